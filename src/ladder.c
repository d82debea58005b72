/*
 * ladder.c - how the tiers of one partner type correspond between two
 * rulesets, the one matching that tierc diff (rulediff.c) and tiervm diff
 * (tools/diff.c) share; see tier_ladder in tier.h.
 */
#include <string.h>

#include "tier_int.h"

int tier_ladder_match(tier_ladder *l) {
  int no = l->nold, nn = l->nnew;
  struct tier_alloc_hook h = hook_of(l->opt);
  l->old_to_new = t_malloc(&h, sizeof(int) * (size_t)(no + 1));
  l->new_to_old = t_malloc(&h, sizeof(int) * (size_t)(nn + 1));
  l->old_rank = t_malloc(&h, sizeof(int) * (size_t)(no + 1));
  l->new_rank = t_malloc(&h, sizeof(int) * (size_t)(nn + 1));
  int *anchor = t_malloc(&h, sizeof(int) * (size_t)(no + 2)); /* old tiers matched by name, in old order */
  if (!l->old_to_new || !l->new_to_old || !l->old_rank || !l->new_rank || !anchor) {
    t_free(&h, anchor, sizeof(int) * (size_t)(no + 2));
    tier_ladder_free(l);
    return -1;
  }
  for (int j = 0; j < nn; j++) l->new_to_old[j] = -1;
  int na = 0;
  for (int i = 0; i < no; i++) {
    l->old_to_new[i] = -1;
    for (int j = 0; j < nn; j++)
      if (l->new_to_old[j] < 0 && !strcmp(l->old_names[i], l->new_names[j])) {
        l->old_to_new[i] = j;
        l->new_to_old[j] = i;
        anchor[na++] = i;
        break;
      }
  }
  /* between consecutive anchors (and the ends), as many unmatched on each
   * side: renamed in place, pairwise in order */
  for (int k = 0; k <= na; k++) {
    int i0 = k ? anchor[k - 1] : -1, i1 = k < na ? anchor[k] : no;
    int j0 = i0 >= 0 ? l->old_to_new[i0] : -1, j1 = i1 < no ? l->old_to_new[i1] : nn;
    if (j0 >= j1) continue; /* the order changed here: no pairing by place */
    int co = 0, cn = 0;
    for (int i = i0 + 1; i < i1; i++) co += l->old_to_new[i] < 0;
    for (int j = j0 + 1; j < j1; j++) cn += l->new_to_old[j] < 0;
    if (co != cn) continue;
    for (int i = i0 + 1, j = j0 + 1; i < i1; i++) {
      if (l->old_to_new[i] >= 0) continue;
      while (l->new_to_old[j] >= 0) j++;
      l->old_to_new[i] = j;
      l->new_to_old[j++] = i;
    }
  }
  t_free(&h, anchor, sizeof(int) * (size_t)(no + 2));
  for (int j = 0; j < nn; j++) l->new_rank[j] = 2 * j + 2;
  for (int i = 0, below = 0; i < no; i++) {
    if (l->old_to_new[i] >= 0) below = l->old_rank[i] = l->new_rank[l->old_to_new[i]];
    else l->old_rank[i] = below + 1;
  }
  return 0;
}

void tier_ladder_free(tier_ladder *l) {
  struct tier_alloc_hook h = hook_of(l->opt);
  size_t so = sizeof(int) * (size_t)(l->nold + 1), sn = sizeof(int) * (size_t)(l->nnew + 1);
  t_free(&h, l->old_to_new, so);
  t_free(&h, l->new_to_old, sn);
  t_free(&h, l->old_rank, so);
  t_free(&h, l->new_rank, sn);
  l->old_to_new = l->new_to_old = l->old_rank = l->new_rank = NULL;
}

int tier_ladder_direction(const tier_ladder *l, int o, int n) {
  int ro = o < 0 ? 0 : l->old_rank[o], rn = n < 0 ? 0 : l->new_rank[n];
  return (rn > ro) - (rn < ro);
}
