/*
 * vm.c - loading a verified ruleset and running it.  The VM is a stack
 * machine over 64-bit slots with computed-goto dispatch (a switch where the
 * compiler has no labels-as-values), as Lua's lvm.c does it; numbers, exact
 * fractions of 32 bytes (num.h), live in a number stack and number
 * registers beside the 64-bit ones, indexed alike.  It allocates nothing
 * while it runs: the stacks, the registers and the distinct set are sized
 * when the ruleset is loaded and when a record is bound.
 * The verifier has checked every index and jump; the VM still checks the
 * record's own data (text handles, the distinct set's room) since those come
 * from outside the bytecode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "meaning.h"
#include "score.h"
#include "vm.h"

/* ---- loading ------------------------------------------------------------------ */

/* The ladders: the tiers of each partner type, lowest first, as runs of
 * rs->ladder (type p's run starts at ladder_start[p]), and each tier's
 * place in its run.  Counted in two passes over the tiers (the verifier has
 * checked every tier's type against the partner enum), so that evaluating a
 * record walks its own type's tiers only. */
static int build_ladders(struct tier_ruleset *rs) {
  struct image *img = rs->img;
  uint32_t ntypes = img->partner_field >= 0 ? img->enums[img->fields[img->partner_field].ref].nvals : 0;
  rs->ladder_start = arena_alloc(&img->ar, sizeof *rs->ladder_start * ((size_t)ntypes + 2));
  rs->ladder = arena_alloc(&img->ar, sizeof *rs->ladder * (img->ntiers + 1));
  rs->tier_pos = arena_alloc(&img->ar, sizeof *rs->tier_pos * (img->ntiers + 1));
  if (!rs->ladder_start || !rs->ladder || !rs->tier_pos) return TIER_ENOMEM;
  rs->ntypes = ntypes;
  for (uint32_t t = 0; t < img->ntiers; t++) rs->tier_pos[t] = rs->ladder_start[img->tiers[t].ptype + 1]++;
  for (uint32_t p = 0; p < ntypes; p++) rs->ladder_start[p + 1] += rs->ladder_start[p];
  for (uint32_t t = 0; t < img->ntiers; t++) {
    uint32_t p = img->tiers[t].ptype;
    rs->ladder[rs->ladder_start[p] + rs->tier_pos[t]] = t;
  }
  return TIER_OK;
}

/* Append block b to the run of blocks with its time clause (same kind
 * and length) in `last`, indexed by kind and length, which the verifier
 * bounds (a length of 512 or more, which it refuses, would only make a run
 * of its own).  A tier's `sustained` has its own walk (eval_checkpoints). */
enum { CLAUSE_LENGTHS = 512 };
static void clause_link(struct tier_ruleset *rs, uint32_t *last, uint32_t b) {
  const struct img_tier *blk = img_block(rs->img, b);
  rs->clause_next[b] = NO_ITEM;
  if (blk->time == TC_NONE || (b < rs->img->ntiers && blk->time == TC_SUSTAINED)) return;
  bool bounded = blk->time < TC_KINDS && blk->time_n < CLAUSE_LENGTHS;
  uint32_t *tail = bounded ? &last[blk->time * CLAUSE_LENGTHS + blk->time_n] : NULL;
  rs->clause_first[b] = !tail || *tail == NO_ITEM;
  if (tail && *tail != NO_ITEM) rs->clause_next[*tail] = b;
  if (tail) *tail = b;
}

/* The blocks whose time clauses are walked together (shared_clause): the
 * tiers of one ladder with the same clause, lowest first, and the badges
 * with the same clause, each run a list through rs->clause_next from its
 * first block.  The same dates, so the metric block runs once at each. */
static int clause_runs(struct image *img, struct tier_ruleset *rs) {
  uint32_t last[TC_KINDS * CLAUSE_LENGTHS]; /* per clause: the last block of its run so far */
  uint32_t nblocks = img->ntiers + img->nbadges;
  rs->clause_next = arena_alloc(&img->ar, sizeof *rs->clause_next * ((size_t)nblocks + 1));
  rs->clause_first = arena_alloc(&img->ar, sizeof *rs->clause_first * ((size_t)nblocks + 1));
  if (!rs->clause_next || !rs->clause_first) return TIER_ENOMEM;
  for (uint32_t p = 0; p <= rs->ntypes; p++) { /* each ladder, then the badges (p == ntypes) */
    for (uint32_t k = 0; k < TC_KINDS * CLAUSE_LENGTHS; k++) last[k] = NO_ITEM;
    uint32_t from = p < rs->ntypes ? rs->ladder_start[p] : 0, to = p < rs->ntypes ? rs->ladder_start[p + 1] : img->nbadges;
    for (uint32_t k = from; k < to; k++) clause_link(rs, last, p < rs->ntypes ? rs->ladder[k] : img->ntiers + k);
  }
  return TIER_OK;
}

/* Each group's name, for results and explanations: a branch's label or
 * "branch K" (its place in its either, kept in item_place, so that a label
 * that reads "branch 2" is not taken for a place), "either", "at least N of M"; and
 * each requirement's item. */
static int item_names(struct image *img, struct tier_ruleset *rs) {
  rs->item_name = arena_alloc(&img->ar, sizeof *rs->item_name * ((size_t)img->nitems + 1));
  rs->item_place = arena_alloc(&img->ar, sizeof *rs->item_place * ((size_t)img->nitems + 1));
  rs->req_item = arena_alloc(&img->ar, sizeof *rs->req_item * ((size_t)img->nreqs + 1));
  if (!rs->item_name || !rs->item_place || !rs->req_item) return TIER_ENOMEM;
  for (uint32_t i = 0; i < img->nitems; i++) {
    const struct img_item *it = &img->items[i];
    if (it->kind == IT_LEAF) rs->req_item[it->first] = i; /* each requirement is one leaf's (verified) */
    const char *s = NULL;
    rs->item_place[i] = it->kind == IT_BRANCH && it->label == NO_STR ? i - img->items[it->parent].first + 1 : 0;
    if (it->kind == IT_BRANCH && it->label != NO_STR) s = img_str(img, it->label);
    else if (it->kind == IT_BRANCH) s = arena_printf(&img->ar, "branch %u", rs->item_place[i]);
    else if (it->kind == IT_EITHER) s = "either";
    else if (it->kind == IT_ATLEAST) s = arena_printf(&img->ar, "at least %u of %u", it->n, it->count);
    if (it->kind != IT_LEAF && !s) return TIER_ENOMEM;
    rs->item_name[i] = s;
  }
  return TIER_OK;
}

/* Per block: its time clause as results show it (rs->time_text), and
 * whether it is flat (rs->flat): each top-level item a leaf, item
 * first_item + k requirement first_req + k's, and no other item (most
 * blocks: a group makes a block not flat). */
static int block_facts(struct image *img, struct tier_ruleset *rs) {
  uint32_t nblocks = img->ntiers + img->nbadges;
  rs->time_text = arena_alloc(&img->ar, sizeof *rs->time_text * ((size_t)nblocks + 1));
  rs->flat = arena_alloc(&img->ar, sizeof *rs->flat * ((size_t)nblocks + 1));
  if (!rs->time_text || !rs->flat) return TIER_ENOMEM;
  for (uint32_t b = 0; b < nblocks; b++) {
    const struct img_tier *T = img_block(img, b);
    bool flat = T->nitems == T->nreq;
    for (uint32_t k = 0; k < T->nitems && flat; k++) {
      const struct img_item *it = &img->items[T->first_item + k];
      flat = it->kind == IT_LEAF && it->first == T->first_req + k;
    }
    rs->flat[b] = flat;
    if (T->time == TC_NONE) continue;
    char t[80];
    tc_text(T->time, T->time_n, t, sizeof t);
    rs->time_text[b] = arena_strndup(&img->ar, t, strlen(t));
    if (!rs->time_text[b]) return TIER_ENOMEM;
  }
  return TIER_OK;
}

_Static_assert(OP__RUN_COUNT <= 256, "run-time opcodes are bytes");
_Static_assert(OP_JNNEK_I == OP_JNEQK_I + 1 && OP_JNLTK_I == OP_JNEQK_I + 2 && OP_JNLEK_I == OP_JNEQK_I + 3 &&
                   OP_JNGTK_I == OP_JNEQK_I + 4 && OP_JNGEK_I == OP_JNEQK_I + 5,
               "the six JNxxK_I opcodes are consecutive, in the order of their fused forms");
_Static_assert(OP_NEK_I == OP_EQK_I + 1 && OP_LTK_I == OP_EQK_I + 2 && OP_LEK_I == OP_EQK_I + 3 && OP_GTK_I == OP_EQK_I + 4 &&
                   OP_GEK_I == OP_EQK_I + 5,
               "the six xxK_I opcodes are consecutive, in the order of their fused forms");
_Static_assert(OP_NE_I == OP_EQ_I + 1 && OP_LT_I == OP_EQ_I + 2 && OP_LE_I == OP_EQ_I + 3 && OP_GT_I == OP_EQ_I + 4 &&
                   OP_GE_I == OP_EQ_I + 5,
               "the six xx_I opcodes are consecutive, in the order of their fused forms");

/* The fused form of the instructions that start at c[0] (left of them in
 * the code), or c[0]'s own opcode. */
static uint8_t fused(const struct vinsn *c, uint32_t left) {
  uint8_t a = c[0].op, b = left > 1 ? c[1].op : OP_NOP, d = left > 2 ? c[2].op : OP_NOP, e = left > 3 ? c[3].op : OP_NOP;
  if (a == OP_SETMETRIC && b == OP_JFR && c[0].a == c[1].a) return OP_SETMETRIC_JFR;
  if (a == OP_JFR && b == OP_ITEM && d >= OP_JNEQK_I && d <= OP_JNGEK_I) return (uint8_t)(OP_JFR_ITEM_JNEQK_I + (d - OP_JNEQK_I));
  if (a == OP_JFR && b == OP_ITEM && d == OP_INSET && e == OP_JUMPF) return OP_JFR_ITEM_INSET_JUMPF;
  if ((a == OP_PUSH || a == OP_DSIZE) && b == OP_SETMETRIC) return a == OP_PUSH ? OP_PUSH_SETMETRIC : OP_DSIZE_SETMETRIC;
  if (a != OP_ITEM) return a;
  if (b == OP_ISNONE && d == OP_ORJ) return OP_ITEM_ISNONE_ORJ;
  if (b == OP_INSET && d == OP_JUMPF) return OP_ITEM_INSET_JUMPF;
  if (b == OP_INSET) return OP_ITEM_INSET;
  if (b == OP_JUMPF) return OP_ITEM_JUMPF;
  if (b >= OP_JNEQK_I && b <= OP_JNGEK_I) return (uint8_t)(OP_ITEM_JNEQK_I + (b - OP_JNEQK_I));
  if (b >= OP_EQK_I && b <= OP_GEK_I && d == OP_ANDJ) return (uint8_t)(OP_ITEM_EQK_I_ANDJ + (b - OP_EQK_I));
  if (b >= OP_EQK_I && b <= OP_GEK_I) return (uint8_t)(OP_ITEM_EQK_I + (b - OP_EQK_I));
  if (b == OP_ASOF && d >= OP_EQ_I && d <= OP_GE_I && e == OP_JUMPF) return (uint8_t)(OP_ITEM_ASOF_EQ_I_JUMPF + (d - OP_EQ_I));
  if (b == OP_ASOF && d >= OP_EQ_I && d <= OP_GE_I && e == OP_ANDJ) return (uint8_t)(OP_ITEM_ASOF_EQ_I_ANDJ + (d - OP_EQ_I));
  if (b == OP_ASOF && d >= OP_EQ_I && d <= OP_GE_I) return (uint8_t)(OP_ITEM_ASOF_EQ_I + (d - OP_EQ_I));
  if (b == OP_WITHIN_M && d == OP_JUMPF) return OP_ITEM_WITHIN_M_JUMPF;
  if (b == OP_WITHIN_M) return OP_ITEM_WITHIN_M;
  if (b == OP_DADD_S) return OP_ITEM_DADD_S;
  return a;
}

/* rs->run: a copy of rs->code with the runs above fused.  The verifier
 * checked the code as written; fusing changes no value, jump, fault or
 * step count, only how many dispatches the VM makes.  Then jumps are
 * threaded: a JFR m whose target is another JFR m (the filters of one
 * loop that all start `where held ...`) jumps where that one would, since
 * nothing runs between the two to change m.  Targets of JFR lie ahead
 * (verified: only NEXT jumps back), so walking the code from its end
 * threads each chain in one pass.  A threaded jump skips the JFRs it
 * would repeat: it counts fewer steps, never more than the bound. */
static int fuse(struct tier_ruleset *rs, uint32_t n) {
  rs->run = arena_alloc(&rs->img->ar, sizeof *rs->run * (n + 1));
  if (!rs->run) return TIER_ENOMEM;
  memcpy(rs->run, rs->code, sizeof *rs->run * n);
  for (uint32_t i = 0; i < n; i++) rs->run[i].op = fused(rs->code + i, n - i);
  for (uint32_t i = n; i-- > 0;) {
    const struct vinsn *c = &rs->code[i];
    uint32_t t = rs->run[i].b;
    if (c->op == OP_JFR && t > i && t < n && rs->code[t].op == OP_JFR && rs->code[t].a == c->a) rs->run[i].b = rs->run[t].b;
  }
  return TIER_OK;
}

/* Which fields' texts a count distinct may read (rs->keyed): the readers
 * hash and intern those only, which was a fifth of reading a record.  A
 * DADD_S that no jump reaches and that follows an ITEM reads that item
 * field of the innermost loop's list: control flow only goes forward but
 * for NEXT, and no jump enters a loop's body from before it (verified), so
 * the code between a LOOP and its NEXT is that loop's.  Any other DADD_S
 * (a count distinct of an expression) may read any text: then every text
 * field is keyed. */
/* keyed_fields' walk of the code (n instructions): marks read[slot_at[l]
 * + k] for item slot k of list l that a DADD_S reads right after its ITEM;
 * true when some DADD_S may read anything else.  target: room for n + 1
 * flags, zeroed. */
static bool dadd_reads(const struct tier_ruleset *rs, uint32_t n, bool *target, const uint32_t *slot_at, bool *read,
                       bool *stamped) {
  const struct image *img = rs->img;
  for (uint32_t i = 0; i < n; i++) {
    int fmt = op_info[rs->code[i].op].fmt;
    if (fmt == JMP) target[rs->code[i].a] = true;
    if (fmt == LST_JMP || fmt == LST_BACK || fmt == K_JMP || fmt == MET_JMP) target[rs->code[i].b] = true;
  }
  uint32_t open[LIM_LIST_DEPTH + 1], depth = 0; /* the loops open at i, innermost last */
  for (uint32_t i = 0; i < n; i++) {
    const struct vinsn *c = &rs->code[i];
    if (c->op == OP_LOOP && depth <= LIM_LIST_DEPTH) open[depth++] = c->a;
    else if (c->op == OP_NEXT && depth) depth--;
    else if (c->op == OP_DADD) stamped[c->a] = false;
    else if (c->op == OP_DADD_S) {
      if (target[i] || i == 0 || c[-1].op != OP_ITEM || !depth || c[-1].a >= img->lists[open[depth - 1]].width) {
        for (uint32_t k = 0; k < MAX_DSETS; k++) stamped[k] = false; /* as all fields are keyed */
        return true;
      }
      read[slot_at[open[depth - 1]] + c[-1].a] = true;
    }
  }
  return false;
}

static int keyed_fields(struct tier_ruleset *rs, uint32_t n) {
  struct image *img = rs->img;
  uint32_t slots = 0;
  for (uint32_t l = 0; l < img->nlists; l++) slots += img->lists[l].width;
  rs->keyed = arena_alloc(&img->ar, sizeof *rs->keyed * (img->nfields + 1));
  bool *target = t_malloc(&rs->hook, sizeof *target * (n + 1)), *read = t_malloc(&rs->hook, sizeof *read * (slots + 1));
  uint32_t *slot_at = t_malloc(&rs->hook, sizeof *slot_at * (img->nlists + 1));
  int rc = rs->keyed && target && read && slot_at ? TIER_OK : TIER_ENOMEM;
  if (rc == TIER_OK) {
    memset(target, 0, sizeof *target * (n + 1));
    memset(read, 0, sizeof *read * (slots + 1));
    slots = 0;
    for (uint32_t l = 0; l < img->nlists; l++) slot_at[l] = slots, slots += img->lists[l].width;
    for (uint32_t k = 0; k < MAX_DSETS; k++) rs->stamped[k] = true;
    bool all = dadd_reads(rs, n, target, slot_at, read, rs->stamped);
    for (uint32_t f = 0; f < img->nfields; f++) {
      const struct img_field *F = &img->fields[f];
      rs->keyed[f] = F->kind == TY_TEXT && (all || (F->owner != NO_LIST && read[slot_at[F->owner] + F->slot]));
    }
  }
  t_free(&rs->hook, target, target ? sizeof *target * (n + 1) : 0);
  t_free(&rs->hook, read, read ? sizeof *read * (slots + 1) : 0);
  t_free(&rs->hook, slot_at, slot_at ? sizeof *slot_at * (img->nlists + 1) : 0);
  return rc;
}

/* A requirement's shape (struct simple_req) from its code c, left
 * instructions of the code from there. */
static struct simple_req simple_shape(const struct vinsn *c, uint32_t left, const int64_t *K) {
  if (left < 2 || c[0].op != OP_METRIC) return (struct simple_req){0};
  if (c[1].op == OP_RET) return (struct simple_req){OP_RET, c[0].a, 0, 1, 1};
  if (left < 3 || c[1].op < OP_EQK_I || c[1].op > OP_GEK_I || c[2].op != OP_RET) return (struct simple_req){0};
  struct simple_req s = {c[1].op, c[0].a, c[1].a, 1, 0}; /* (lo > hi: never) */
  int64_t k = K[c[1].a];
  if (k == TIER_NONE) return s;
  switch (c[1].op) {
  case OP_EQK_I: s.lo = s.hi = k; break;
  case OP_LTK_I: s.lo = TIER_NONE + 1, s.hi = k - 1; break;
  case OP_LEK_I: s.lo = TIER_NONE + 1, s.hi = k; break;
  case OP_GTK_I:
    if (k < INT64_MAX) s.lo = k + 1, s.hi = INT64_MAX;
    break;
  case OP_GEK_I: s.lo = k, s.hi = INT64_MAX; break;
  default: break; /* NEK_I: simple_holds compares */
  }
  return s;
}

/* Decode the verified code into fixed-size instructions whose jump targets
 * are instruction indices, and the constants into runtime values. */
static int decode(struct tier_ruleset *rs) {
  struct image *img = rs->img;
  uint32_t n = 0;
  for (uint32_t pc = 0; pc < img->codelen; pc += op_size(img->code[pc])) n++;
  rs->code = arena_alloc(&img->ar, sizeof *rs->code * (n + 1));
  rs->insn_at = arena_alloc(&img->ar, sizeof *rs->insn_at * ((size_t)img->codelen + 1));
  rs->kvals = arena_alloc(&img->ar, sizeof *rs->kvals * (img->nconsts + 1));
  rs->req_entry = arena_alloc(&img->ar, sizeof *rs->req_entry * (img->nreqs + 1));
  rs->simple = arena_alloc(&img->ar, sizeof *rs->simple * (img->nreqs + 1));
  rs->grant_entry = arena_alloc(&img->ar, sizeof *rs->grant_entry * (img->ngrants + 1));
  if (!rs->code || !rs->insn_at || !rs->kvals || !rs->req_entry || !rs->simple || !rs->grant_entry || build_ladders(rs))
    return TIER_ENOMEM;
  uint32_t i = 0;
  for (uint32_t pc = 0; pc < img->codelen; i++) {
    rs->insn_at[pc] = i;
    pc += op_size(img->code[pc]);
  }
  rs->insn_at[img->codelen] = i;
  i = 0;
  for (uint32_t pc = 0; pc < img->codelen; i++) {
    const uint8_t *q = img->code + pc;
    struct vinsn *v = &rs->code[i];
    int fmt = op_info[q[0]].fmt, no = op_noperands(fmt);
    v->op = q[0];
    if (no >= 1) v->a = (uint32_t)q[1] | (uint32_t)q[2] << 8 | (uint32_t)q[3] << 16 | (uint32_t)q[4] << 24;
    if (no >= 2) v->b = (uint32_t)q[5] | (uint32_t)q[6] << 8 | (uint32_t)q[7] << 16 | (uint32_t)q[8] << 24;
    if (fmt == JMP) v->a = rs->insn_at[v->a];
    if (fmt == LST_JMP || fmt == LST_BACK || fmt == K_JMP || fmt == MET_JMP) v->b = rs->insn_at[v->b];
    if (fmt == PER) per_decode(v->a, &v->per); /* verified: always a period */
    pc += op_size(q[0]);
  }
  for (uint32_t k = 0; k < img->nconsts; k++)
    rs->kvals[k] = img->consts[k].kind == TY_TEXT ? (TEXT_CONST | img->consts[k].v) : img->consts[k].v;
  /* loopk_build reads the constants' values */
  if (fuse(rs, n) != TIER_OK || keyed_fields(rs, n) != TIER_OK || loopk_build(rs, n) != TIER_OK) return TIER_ENOMEM;
  for (uint32_t m = 0; m < img->nmetrics; m++) rs->num_regs |= img->metrics[m].kind == TY_NUMBER;
  for (uint32_t r = 0; r < img->nreqs; r++) {
    rs->req_entry[r] = rs->insn_at[img->reqs[r].code];
    rs->simple[r] = simple_shape(rs->code + rs->req_entry[r], n - rs->req_entry[r], rs->kvals);
  }
  for (uint32_t k = 0; k < img->ngrants; k++)
    rs->grant_entry[k] = img->grants[k].code == NO_STR ? UINT32_MAX : rs->insn_at[img->grants[k].code];
  rs->review_entry = img->review_code == NO_STR ? UINT32_MAX : rs->insn_at[img->review_code];
  rs->metric_entry = rs->insn_at[img->metric_code];
  /* the rules hash stamps results with what the rules mean (meaning.c),
   * not how their source is written: tierc fmt and comments keep it */
  struct meaning *m = mn_build(img, &rs->hook, false);
  if (!m) return TIER_ENOMEM;
  uint8_t h[32];
  mn_hash(m, h);
  bool shaped = mn_shapes(m, &img->ar, &rs->shape, &rs->refs);
  int rc = shaped ? score_load(rs, m, n) : TIER_ENOMEM;
  mn_free(m);
  if (rc != TIER_OK || !mn_metric_writes(img, &img->ar, &rs->writes, &rs->nwrites)) return TIER_ENOMEM;
  for (uint32_t k = 0; k < rs->nwrites; k++) rs->writes[k].at = rs->insn_at[rs->writes[k].at];
  for (int k = 0; k < 32; k++) snprintf(rs->hash_hex + 2 * k, 3, "%02x", h[k]);
  if (item_names(img, rs) != TIER_OK || block_facts(img, rs) != TIER_OK || clause_runs(img, rs) != TIER_OK) return TIER_ENOMEM;
  return img->ar.failed ? TIER_ENOMEM : TIER_OK;
}

/* Every file is loaded this one way: read (header, signature, checksum,
 * sections), then verify.  A trusted key is checked by the reader, before
 * anything else looks at the file. */
int img_load(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t *trust_key, struct image **out,
             char *err, size_t errlen) {
  *out = NULL;
  struct image *img;
  int rc = bc_read(h, p, n, trust_key, &img, err, errlen);
  if (rc != TIER_OK) return rc;
  if ((rc = vfy_image(img, err, errlen)) != TIER_OK) {
    image_free(img);
    return rc;
  }
  *out = img;
  return TIER_OK;
}

/* The key the file must be signed with: of the trusted keys (trust_key and
 * trust_keys: any of them will do), the one that signed it, else the first
 * (the reader then refuses the file); NULL when no key is trusted. */
static const uint8_t *trusted_key(const tier_options *opt, const uint8_t *p, size_t n) {
  if (!opt || (!opt->trust_key && (!opt->trust_keys || !opt->ntrust_keys))) return NULL;
  uint8_t signer[32];
  if (bc_trailer_key(p, n, signer)) {
    if (opt->trust_key && sodium_memcmp(opt->trust_key, signer, 32) == 0) return opt->trust_key;
    for (size_t i = 0; opt->trust_keys && i < opt->ntrust_keys; i++)
      if (sodium_memcmp(opt->trust_keys + 32 * i, signer, 32) == 0) return opt->trust_keys + 32 * i;
  }
  return opt->trust_key ? opt->trust_key : opt->trust_keys;
}

int tier_load(const uint8_t *p, size_t n, const tier_options *opt, tier_ruleset **out, char *err, size_t errlen) {
  *out = NULL;
  struct tier_alloc_hook hook = hook_of(opt);
  if (!p) {
    snprintf(err, errlen, "%s", _("no bytecode"));
    return TIER_EUSAGE;
  }
  if (sodium_init() < 0) {
    snprintf(err, errlen, "%s", _("cannot initialise libsodium"));
    return TIER_ENOMEM;
  }
  struct tier_ruleset *rs = t_malloc(&hook, sizeof *rs);
  if (!rs) {
    snprintf(err, errlen, "%s", _("out of memory"));
    return TIER_ENOMEM;
  }
  memset(rs, 0, sizeof *rs);
  rs->hook = hook;
  /* a trusted key turns "signatures are reported" into "required" */
  int rc = img_load(&rs->hook, p, n, trusted_key(opt, p, n), &rs->img, err, errlen);
  if (rc != TIER_OK) {
    t_free(&hook, rs, sizeof *rs);
    return rc;
  }
  if (decode(rs) != TIER_OK) {
    snprintf(err, errlen, "%s", _("out of memory"));
    tier_ruleset_free(rs);
    return TIER_ENOMEM;
  }
  *out = rs;
  return TIER_OK;
}

void tier_ruleset_free(tier_ruleset *rs) {
  if (!rs) return;
  struct tier_alloc_hook h = rs->hook;
  image_free(rs->img);
  t_free(&h, rs, sizeof *rs);
}
int tier_ruleset_signer(const tier_ruleset *rs, uint8_t pub[32]) {
  if (!rs->img->signed_) return 0;
  memcpy(pub, rs->img->sig_pub, 32);
  return 1;
}

int tier_keygen(uint8_t pub[32], uint8_t secret[64]) {
  if (sodium_init() < 0) return TIER_ENOMEM;
  return crypto_sign_ed25519_keypair(pub, secret) == 0 ? TIER_OK : TIER_ENOMEM;
}

int tier_sign(const uint8_t *bc, size_t n, const uint8_t secret[64], const tier_options *opt, uint8_t **out,
              size_t *outlen) {
  struct tier_alloc_hook hook = hook_of(opt);
  if (sodium_init() < 0) return TIER_ENOMEM;
  /* sign only what loads: never put a signature on a broken file */
  char err[256];
  struct image *img;
  int rc = img_load(&hook, bc, n, NULL, &img, err, sizeof err);
  if (rc != TIER_OK) return rc == TIER_ENOMEM ? TIER_ENOMEM : TIER_EBYTECODE;
  image_free(img);
  return bc_sign(&hook, bc, n, secret, out, outlen);
}

const char *tier_ruleset_name(const tier_ruleset *rs) { return img_str(rs->img, rs->img->name); }
const char *tier_ruleset_version(const tier_ruleset *rs) { return img_str(rs->img, rs->img->version); }
void tier_ruleset_hash(const tier_ruleset *rs, char out[65]) { memcpy(out, rs->hash_hex, 65); }

/* ---- the VM ------------------------------------------------------------------------ */

/* The cost bound of a record (verify.c cost_bound): cost_base + cost_per[l]
 * x len(list l) over the lists, and what the gap's searches may take
 * (score.c, rs->cost_gap), saturating at UINT64_MAX instead of wrapping. */
uint64_t vm_record_cost(const struct tier_ruleset *rs, const struct record *rec) {
  const struct image *img = rs->img;
  uint64_t c = vm_base_cost(rs);
  for (uint32_t l = 0; l < img->nlists; l++) c = vm_cost_add(c, img->cost_per[l], rec->lists[l].n);
  return c;
}

/* vm_over_budget's message, for a cost over the budget: always true. */
bool vm_say_over_budget(struct tier_vm *vm, uint64_t cost, bool partial) {
  snprintf(vm->err, sizeof vm->err,
           partial ? _("evaluation could take %llu steps (its lists read so far), over the budget of %llu")
                   : _("evaluation could take %llu steps, over the budget of %llu"),
           (unsigned long long)cost, (unsigned long long)vm->max_cost);
  vm->path[0] = 0;
  return true;
}

tier_vm *tier_vm_new(const tier_ruleset *rs, const tier_options *opt) {
  struct tier_alloc_hook hook = hook_of(opt);
  tier_vm *vm = t_malloc(&hook, sizeof *vm);
  if (!vm) return NULL;
  memset(vm, 0, sizeof *vm);
  vm->win_m = INT64_MIN; /* no window yet (window_lo) */
  vm->rs = rs;
  vm->hook = hook;
  hash_key_new(&vm->hkey);
  const struct image *img = rs->img;
  vm->stack = t_malloc(&hook, sizeof(int64_t) * (img->max_stack + 1));
  vm->regs = t_malloc(&hook, sizeof(int64_t) * (img->nmetrics + 1));
  vm->nstack = t_malloc(&hook, sizeof(struct num) * (img->max_stack + 1));
  vm->nregs = t_malloc(&hook, sizeof(struct num) * (img->nmetrics + 1));
  vm->ev.met = t_malloc(&hook, sizeof(bool) * (img->nreqs + 1));
  vm->trace_v = t_malloc(&hook, sizeof(int64_t) * (2 * (size_t)img->ntraces + 1));
  vm->trace_q = t_malloc(&hook, sizeof(struct num) * (2 * (size_t)img->ntraces + 1));
  vm->trace_at = t_malloc(&hook, sizeof(uint32_t) * (img->nreqs + 1));
  vm->cp_met = t_malloc(&hook, sizeof(bool) * (img->nreqs + 1));
  vm->cp_list = t_malloc(&hook, sizeof *vm->cp_list * (img->ntiers + img->nbadges + 1));
  vm->cp_n = t_malloc(&hook, sizeof *vm->cp_n * (img->ntiers + img->nbadges + 1));
  vm->ev.regs_today = t_malloc(&hook, sizeof(int64_t) * (img->nmetrics + SCORE_AGG_REGS + 1));
  vm->ev.nregs_today = t_malloc(&hook, sizeof(struct num) * (img->nmetrics + SCORE_AGG_REGS + 1));
  vm->ev.time_at = t_malloc(&hook, sizeof(int64_t) * (img->ntiers + img->nbadges + 1));
  vm->ev.rules_ok = t_malloc(&hook, sizeof(bool) * (img->ntiers + 1));
  vm->ev.held = t_malloc(&hook, sizeof(bool) * (img->nitems + 1));
  vm->ev.badge_held = t_malloc(&hook, sizeof(bool) * (img->nbadges + 1));
  vm->ev.grant_tier = t_malloc(&hook, sizeof(int32_t) * (img->ngrants + 1));
  vm->ev.ref_holds = t_malloc(&hook, sizeof(bool) * (img->ntiers + img->nbadges + 1));
  vm->ev.ref_meets = t_malloc(&hook, sizeof(bool) * (img->ntiers + img->nbadges + 1));
  /* an entry per requirement, group and time clause (those that describe
   * failing checkpoints are in vm->cp_pool) */
  vm->req_cap = (size_t)img->nreqs + img->nitems + img->ntiers + img->nbadges + 1;
  vm->unmet = t_malloc(&hook, sizeof *vm->unmet * vm->req_cap);
  vm->dsets = t_malloc(&hook, sizeof *vm->dsets * (img->nsets + 1)); /* sized by vm_prepare */
  vm->keyed = t_malloc(&hook, sizeof *vm->keyed * (img->nfields + 1));
  vm->all_reqs = opt && opt->all_requirements;
  vm->max_cost = opt ? opt->max_cost : 0;
  vm->strict_fields = opt && opt->strict_fields;
  if (vm->all_reqs) vm->reqs = t_malloc(&hook, sizeof *vm->reqs * vm->req_cap);
  vm->badges = t_malloc(&hook, sizeof *vm->badges * (img->nbadges + 1));
  vm->cost = t_malloc(&hook, sizeof *vm->cost * (img->nitems + 1));
  vm->picked = t_malloc(&hook, sizeof *vm->picked * (img->nitems + 1));
  vm->pairs = t_malloc(&hook, sizeof *vm->pairs * (img->nitems + 1));
  vm->gap = t_malloc(&hook, sizeof *vm->gap * (rs->ngap + 1));
  if (!vm->gap || !vm->stack || !vm->regs || !vm->nstack || !vm->nregs || !vm->dsets || !vm->ev.met || !vm->trace_v ||
      !vm->trace_q || !vm->trace_at || !vm->ev.regs_today || !vm->ev.nregs_today || !vm->ev.time_at || !vm->ev.rules_ok ||
      !vm->cp_met || !vm->cp_list || !vm->cp_n || !vm->ev.held || !vm->ev.badge_held || !vm->ev.ref_holds || !vm->ev.ref_meets ||
      !vm->ev.grant_tier || !vm->unmet || (vm->all_reqs && !vm->reqs) || !vm->badges || !vm->cost || !vm->picked || !vm->pairs ||
      !vm->keyed) {
    tier_vm_free(vm);
    return NULL;
  }
  memset(vm->nstack, 0, sizeof(struct num) * (img->max_stack + 1));
  memset(vm->nregs, 0, sizeof(struct num) * (img->nmetrics + 1));
  memset(vm->ev.nregs_today, 0, sizeof(struct num) * (img->nmetrics + SCORE_AGG_REGS + 1));
  memset(vm->trace_at, 0, sizeof(uint32_t) * (img->nreqs + 1)); /* no stamp is current */
  memset(vm->gap, 0, sizeof *vm->gap * (rs->ngap + 1));
  memcpy(vm->keyed, rs->keyed, sizeof *vm->keyed * img->nfields);
  return vm;
}

void tier_vm_free(tier_vm *vm) {
  if (!vm) return;
  struct tier_alloc_hook h = vm->hook;
  const struct image *img = vm->rs->img;
  rec_free(vm);
  t_free(&h, vm->owner_start, sizeof(uint32_t) * (img->nlists + 3));
  t_free(&h, vm->owner_fields, sizeof(uint32_t) * (img->nfields + 1));
  t_free(&h, vm->stack, sizeof(int64_t) * (img->max_stack + 1));
  t_free(&h, vm->regs, sizeof(int64_t) * (img->nmetrics + 1));
  t_free(&h, vm->nstack, sizeof(struct num) * (img->max_stack + 1));
  t_free(&h, vm->nregs, sizeof(struct num) * (img->nmetrics + 1));
  t_free(&h, vm->ev.met, sizeof(bool) * (img->nreqs + 1));
  t_free(&h, vm->trace_v, sizeof(int64_t) * (2 * (size_t)img->ntraces + 1));
  t_free(&h, vm->trace_q, sizeof(struct num) * (2 * (size_t)img->ntraces + 1));
  t_free(&h, vm->trace_at, sizeof(uint32_t) * (img->nreqs + 1));
  for (struct cp_chunk *c = vm->cp_pool, *next; c; c = next) {
    next = c->next;
    t_free(&h, c, sizeof *c + sizeof c->e[0] * c->cap);
  }
  t_free(&h, vm->cp_met, sizeof(bool) * (img->nreqs + 1));
  t_free(&h, vm->cp_list, sizeof *vm->cp_list * (img->ntiers + img->nbadges + 1));
  t_free(&h, vm->cp_n, sizeof *vm->cp_n * (img->ntiers + img->nbadges + 1));
  t_free(&h, vm->ev.regs_today, sizeof(int64_t) * (img->nmetrics + SCORE_AGG_REGS + 1));
  t_free(&h, vm->ev.nregs_today, sizeof(struct num) * (img->nmetrics + SCORE_AGG_REGS + 1));
  t_free(&h, vm->ev.time_at, sizeof(int64_t) * (img->ntiers + img->nbadges + 1));
  t_free(&h, vm->ev.rules_ok, sizeof(bool) * (img->ntiers + 1));
  t_free(&h, vm->ev.held, sizeof(bool) * (img->nitems + 1));
  t_free(&h, vm->ev.badge_held, sizeof(bool) * (img->nbadges + 1));
  t_free(&h, vm->ev.grant_tier, sizeof(int32_t) * (img->ngrants + 1));
  t_free(&h, vm->ev.ref_holds, sizeof(bool) * (img->ntiers + img->nbadges + 1));
  t_free(&h, vm->ev.ref_meets, sizeof(bool) * (img->ntiers + img->nbadges + 1));
  t_free(&h, vm->unmet, sizeof *vm->unmet * vm->req_cap);
  t_free(&h, vm->reqs, vm->reqs ? sizeof *vm->reqs * vm->req_cap : 0);
  t_free(&h, vm->badges, sizeof *vm->badges * (img->nbadges + 1));
  t_free(&h, vm->cost, sizeof *vm->cost * (img->nitems + 1));
  t_free(&h, vm->picked, sizeof *vm->picked * (img->nitems + 1));
  t_free(&h, vm->pairs, sizeof *vm->pairs * (img->nitems + 1));
  t_free(&h, vm->gap, sizeof *vm->gap * (vm->rs->ngap + 1));
  size_t nslots = (size_t)img->nsets * vm->dcap;
  t_free(&h, vm->dkeys, vm->dkeys ? sizeof(uint64_t) * nslots : 0);
  t_free(&h, vm->dgens, vm->dgens ? sizeof(uint32_t) * nslots : 0);
  t_free(&h, vm->dsets, sizeof *vm->dsets * (img->nsets + 1));
  t_free(&h, vm->keyed, sizeof *vm->keyed * (img->nfields + 1));
  for (int k = 0; k < MAX_MBUFS; k++) t_free(&h, vm->mbufs[k].v, sizeof(struct num) * vm->mcap);
  t_free(&h, vm, sizeof *vm);
}

/* Size the median buffers the code uses for the record's longest list (a
 * loop adds at most one number per item), before evaluation starts; the
 * cost bound counts their memory (67 steps per MADD per item). */
static int prepare_medians(struct tier_vm *vm, const struct record *r) {
  uint32_t nbufs = vm->rs->img->nmbufs, want = r->max_list ? r->max_list : 1;
  if (nbufs == 0 || want <= vm->mcap) return TIER_OK;
  struct num *v[MAX_MBUFS] = {0};
  for (uint32_t k = 0; k < nbufs; k++)
    if (!(v[k] = t_malloc(&vm->hook, sizeof(struct num) * want))) {
      for (uint32_t j = 0; j < k; j++) t_free(&vm->hook, v[j], sizeof(struct num) * want);
      return TIER_ENOMEM;
    }
  for (uint32_t k = 0; k < nbufs; k++) {
    t_free(&vm->hook, vm->mbufs[k].v, sizeof(struct num) * vm->mcap);
    vm->mbufs[k].v = v[k];
    vm->mbufs[k].n = 0;
  }
  vm->mcap = want;
  return TIER_OK;
}

/* DCLEAR's work: a new generation, and a real clearing when it wraps */
static inline void dset_clear(struct tier_vm *vm, struct dset *d) {
  if (++d->gen == 0) {
    memset(d->gens, 0, sizeof(uint32_t) * vm->dcap);
    d->gen = 1;
  }
  d->n = 0;
}

/* The sets at `want` slots each, empty: allocated at the new size first,
 * then swapped in, so that a failure leaves the old ones (and the sizes
 * the hook was told) as they were */
static int grow_sets(struct tier_vm *vm, uint32_t nsets, uint32_t want) {
  size_t n = (size_t)nsets * want;
  uint64_t *keys = t_malloc(&vm->hook, sizeof(uint64_t) * n);
  uint32_t *gens = t_malloc(&vm->hook, sizeof(uint32_t) * n);
  if (!keys || !gens) {
    t_free(&vm->hook, keys, keys ? sizeof(uint64_t) * n : 0);
    t_free(&vm->hook, gens, gens ? sizeof(uint32_t) * n : 0);
    return TIER_ENOMEM;
  }
  size_t old = (size_t)nsets * vm->dcap;
  t_free(&vm->hook, vm->dkeys, vm->dkeys ? sizeof(uint64_t) * old : 0);
  t_free(&vm->hook, vm->dgens, vm->dgens ? sizeof(uint32_t) * old : 0);
  vm->dkeys = keys;
  vm->dgens = gens;
  vm->dcap = want;
  /* generation 0 is never current: a zeroed slot is empty */
  memset(gens, 0, sizeof(uint32_t) * n);
  for (uint32_t k = 0; k < nsets; k++)
    vm->dsets[k] = (struct dset){keys + (size_t)k * want, gens + (size_t)k * want, 1, 0, false};
  return TIER_OK;
}

/* Size the median buffers (above) and the distinct sets for the record's
 * longest list: the only per-record allocations, made before evaluation
 * starts (and counted in the cost bound's memory: 6 slots' worth per set
 * per item).  All sets share one array of keys and one of generations, set
 * k at k * dcap; grow_sets makes them. */
int vm_prepare(struct tier_vm *vm, const struct record *r) {
  if (prepare_medians(vm, r) != TIER_OK) return TIER_ENOMEM;
  uint32_t nsets = vm->rs->img->nsets;
  if (nsets == 0) return TIER_OK;
  uint32_t want = 16;
  while (want < 2 * (uint64_t)r->max_list + 2) {
    if (want > (1u << 30)) return TIER_ENOMEM;
    want *= 2;
  }
  if (want > vm->dcap && grow_sets(vm, nsets, want) != TIER_OK) return TIER_ENOMEM;
  /* a set of texts read straight from items (rs->stamped) has its
   * generations indexed by the texts' handles when they fit */
  for (uint32_t k = 0; k < nsets; k++) {
    struct dset *d = &vm->dsets[k];
    bool stamp = vm->rs->stamped[k] && r->nstrs <= vm->dcap;
    if (stamp != d->stamp) { /* what the set held means another thing now: empty it */
      d->stamp = stamp;
      dset_clear(vm, d);
    }
  }
  return TIER_OK;
}

/* FLOOR_I, CEIL_I, ROUND_I: v to a multiple of 10^-digits (digits < 0;
 * otherwise v is already one), in 128 bits; false when the result is not
 * a 64-bit value other than TIER_NONE (e.g. 9.2e18 rounded to 10^19). */
static bool int_round(int op, int64_t v, int32_t digits, int64_t *out) {
  if (digits >= 0) { *out = v; return true; }
  __int128 p = 1, q, r;
  for (int32_t k = digits; k < 0; k++) p *= 10; /* digits >= -DIG_MAX (verifier) */
  q = v / p;
  r = v % p;
  if (op == OP_FLOOR_I && r < 0) q--;
  else if (op == OP_CEIL_I && r > 0) q++;
  else if (op == OP_ROUND_I && 2 * (r < 0 ? -r : r) >= p) q += v < 0 ? -1 : 1;
  __int128 x = q * p; /* |q| <= |v| / p + 1: no overflow in 128 bits */
  if (x > INT64_MAX || x <= INT64_MIN) return false;
  *out = (int64_t)x;
  return true;
}

bool vm_record_num(const struct record *r, int64_t h, struct num *out) {
  if (h == TIER_NONE) { *out = num_none(); return true; }
  if (h < 0 || (uint64_t)h >= r->nnums) return false;
  *out = r->nums[h];
  return true;
}

/* The exclusive start of the window `within N months` at asof.  The window
 * is not cut at the start of the calendar, as `within N days` is not: when
 * it would start before 0001-01-01, every date from 0001-01-01 on is in it
 * (the saturating month arithmetic of dates would leave that day out). */
static int64_t window_start(int64_t asof, int64_t months) {
  int y, m, d;
  date_to_ymd(asof, &y, &m, &d);
  if ((int64_t)y * 12 + (m - 1) - months < 12) return DATE_MIN - 1;
  return date_add_months(asof, -months);
}

/* Heapsort of v[0..n) (numbers, none excluded): in place, no allocation and
 * no recursion, O(n log n) comparisons whatever the order (an adversary
 * cannot make it quadratic, as it could a quicksort).  Returns the
 * comparisons made, at most 2n + 2n*log2(n) (MEDIAN_STEPS_PER_VALUE). */
static uint64_t sort_numbers(struct num *v, uint32_t n) {
  uint64_t cmps = 0;
  for (uint32_t end = n, start = n / 2;;) {
    /* first heapify (start counts down), then move the largest to the end */
    if (start > 0) {
      start--;
    } else {
      if (end <= 1) break;
      end--;
      struct num t = v[end];
      v[end] = v[0];
      v[0] = t;
    }
    for (uint32_t root = start;;) { /* sift v[root] down within v[0..end) */
      uint64_t child = 2 * (uint64_t)root + 1;
      if (child >= end) break;
      if (child + 1 < end && (cmps++, num_cmp(v[child], v[child + 1]) < 0)) child++;
      cmps++;
      if (num_cmp(v[root], v[child]) >= 0) break;
      struct num t = v[root];
      v[root] = v[child];
      v[child] = t;
      root = (uint32_t)child;
    }
  }
  return cmps;
}

/* The median of buffer b: none when empty, the middle number of an odd
 * count, the mean of the middle two of an even count (SPEC 3.5).  Adds the
 * comparisons made to *work; NUM_ERANGE when the mean does not fit. */
static int median_of(struct mbuf *b, struct num *out, uint64_t *work) {
  uint32_t n = b->n;
  *work += sort_numbers(b->v, n);
  if (n == 0) {
    *out = num_none();
    return NUM_OK;
  }
  if (n % 2) {
    *out = b->v[n / 2];
    return NUM_OK;
  }
  struct num sum;
  if (num_add(b->v[n / 2 - 1], b->v[n / 2], &sum)) return NUM_ERANGE;
  return num_div(sum, num_from_int(2), out);
}

/* Faults of run-time work done outside vm_run's cases (dadd_text,
 * run_loopk): vm_run goes to the label of each. */
enum { FAULT_NONE, FAULT_OVERFLOW, FAULT_TEXT, FAULT_FULL };

/* DADD_S: text h into distinct set s.  Texts are equal by content: a
 * constant and the same text in the record are one value.  Two texts of
 * the record are equal only when their handles are (the readers intern
 * them): only a constant is compared by its bytes. */
static int dadd_hashed(struct tier_vm *vm, const struct record *r, struct dset *d, int64_t h) {
  const struct tier_ruleset *rs = vm->rs;
  const char *ta, *tb;
  uint32_t la, lb, hash;
  if (h & TEXT_CONST) {
    /* a constant hashed as a keyed text of the record is, with the key the record's were */
    if (!vm_text_of(rs, r, h, &ta, &la)) return FAULT_TEXT;
    hash = (uint32_t)hash_bytes(r->hkey, ta, la) & ~TEXT_UNKEYED;
  } else { /* a text of the record, the common case: text_of's work without the call */
    if (h < 0 || (uint64_t)h >= r->nstrs) return FAULT_TEXT;
    ta = r->strs[h].p;
    la = r->strs[h].n;
    hash = r->strs[h].hash;
  }
  uint32_t mask = vm->dcap - 1, i = hash & mask;
  for (vm->probes++; d->gens[i] == d->gen; i = (i + 1) & mask, vm->probes++) {
    int64_t k = (int64_t)d->keys[i];
    if (k == h) return FAULT_NONE;
    if (!((k | h) & TEXT_CONST)) continue; /* two texts of the record */
    if (!vm_text_of(rs, r, k, &tb, &lb)) return FAULT_TEXT;
    if (la == lb && memcmp(ta, tb, la) == 0) return FAULT_NONE;
  }
  if (2 * (d->n + 1) > vm->dcap) return FAULT_FULL;
  d->gens[i] = d->gen;
  d->keys[i] = (uint64_t)h;
  d->n++;
  return FAULT_NONE;
}

/* The stamped way (a record's texts only, and no more of them than the
 * set has slots: vm_prepare) inline, first, with one bound test for none
 * and the handle, and no branch on whether the text is in the set already:
 * whether a person was counted before is the data's, which the CPU cannot
 * predict (the branch cost the benchmark's VM a tenth of its time).  n
 * grows only while 2n <= dcap, so a text already in the set never finds it
 * full.  The hashed way out of line. */
static inline int dadd_text(struct tier_vm *vm, const struct record *r, uint32_t s, int64_t h) {
  struct dset *d = &vm->dsets[s];
  if (d->stamp && (uint64_t)h < r->nstrs) {
    vm->probes++;
    uint32_t *g = &d->gens[h], n = d->n + (*g != d->gen);
    if (2 * n > vm->dcap) return FAULT_FULL;
    *g = d->gen;
    d->n = n;
    return FAULT_NONE;
  }
  if (h == TIER_NONE) return FAULT_NONE;
  return d->stamp ? FAULT_TEXT : dadd_hashed(vm, r, d, h);
}

#ifdef TIER_COUNT_STEPS
#define lk_steps(n) (vm->steps += (n))
#else
#define lk_steps(n) ((void)0)
#endif

/* Dispatch: computed goto where the compiler has labels as values (GCC,
 * clang), a switch elsewhere or when built with TIER_VM_SWITCH (make
 * VM_DISPATCH=switch; CI runs the whole suite on both). */
#if defined(__GNUC__) && !defined(TIER_VM_SWITCH)
#define VM_GOTO 1
#endif

/* WITHIN_M's window start for asof and months, kept from run to run (vm_run's
 * and run_loopk's): the loops of one record ask the same again */
static inline int64_t window_lo(struct tier_vm *vm, int64_t asof, int64_t months) {
  if (vm->win_asof != asof || vm->win_m != months) /* (win_m starts as INT64_MIN: no months) */
    vm->win_asof = asof, vm->win_m = months, vm->win_lo = window_start(asof, months);
  return vm->win_lo;
}

/* OP_LOOPK: loop L's rows (loopk.c) for every item of its list, as its
 * instructions would run; FAULT_NONE, or a fault at instruction *at.
 * Dispatched as vm_run is (computed goto, or a switch), each row reading
 * only what its kind needs; one row a line, as vm_run's cases (which
 * clang-format would join).  A test's two ways are two jumps, a branch the
 * CPU predicts and runs ahead of (chosen by a conditional move, the next
 * row waited on the item's value: 12% slower), and a row carries the
 * kinds of the rows it goes to, so that the jump does not wait on loading
 * the next row (4%).  The END row starts the next item itself, at a label
 * found once (7%: the loop around the rows was a jump and a look-up more
 * an item). */
// clang-format off
#define X (x = item[w->slot])
#define REG regs[w->r]
#define CMP(c) { if (c) { lk_steps(w->st); GO(w->top, w->t); } lk_steps(w->sf); GO(w->fop, w->f); }
#define DONE { lk_steps(w->st); GO(w->top, w->t); }
/* a count of the items that pass test c: added, not branched on (the
 * test's outcome is the item's, which the CPU cannot predict) */
#define CNT(c) { uint64_t c_ = (c); REG = (int64_t)((uint64_t)REG + c_); lk_steps(c_ ? w->st : w->sf); GO(w->top, w->t); }
/* LR_HELD's steps when its third row (y > asof) was the one to tell: the
 * difference from the st or sf that CMP counts */
#ifdef TIER_COUNT_STEPS
#define HELD_STEPS if (x != TIER_NONE && has_asof && x <= asof && y != TIER_NONE) \
  vm->steps += y > asof ? (uint32_t)w->k - (uint64_t)w->st : (uint64_t)((uint64_t)w->k >> 32) - w->sf
#else
#define HELD_STEPS ((void)0)
#endif
#ifdef VM_GOTO
#define GO(o, nx) { uint8_t o_ = (o); w = (nx); goto *lbl[o_]; }
#define LK_CASE(name) L_##name:
#define LK_START goto *start
#else
#define GO(o, nx) { w = (nx); continue; }
#define LK_CASE(name) case LR_##name:
#define LK_START continue
#endif
// clang-format on
static int run_loopk(struct tier_vm *vm, const struct loopk *L, const struct record *r, int64_t asof, uint32_t *at) {
  uint32_t n = r->lists[L->list].n, width = vm->rs->img->lists[L->list].width;
  const int64_t *item = r->lists[L->list].items;
  int64_t *regs = vm->regs, win_m = INT64_MIN, win_lo = 0, x, y;
  bool has_asof = asof != TIER_NONE;
  const struct lrow *w;
  int e;
  // clang-format off
#ifdef VM_GOTO
  static const void *const lbl[LR__COUNT] = {
      &&L_EQK, &&L_NEK, &&L_LTK, &&L_LEK, &&L_GTK, &&L_GEK, &&L_EQA, &&L_NEA, &&L_LTA, &&L_LEA, &&L_GTA, &&L_GEA,
      &&L_INSET, &&L_NONE, &&L_WITHIN_M, &&L_WITHIN_D, &&L_TRUE, &&L_HELD, &&L_REG, &&L_SET, &&L_COPY, &&L_NORM, &&L_INCR, &&L_SUM,
      &&L_MIN, &&L_MAX, &&L_DADD_S, &&L_C_LEA, &&L_C_INSET, &&L_C_WITHIN_M, &&L_END};
  _Static_assert(LR_END == 30 && LR__COUNT == 31, "one label per row kind, in order");
#endif
  if (!n) return FAULT_NONE; /* (item moves on only to an item: never from the NULL an empty list may have) */
  const struct lrow *const first = L->first;
  w = first;
  lk_steps(L->pre);
#ifdef VM_GOTO
  const void *const start = lbl[first->op];
  LK_START;
#else
  for (;;) switch (w->op) {
#endif
    LK_CASE(EQK) CMP(X == w->k) /* k is never none: x == k says x is not */
    LK_CASE(NEK) CMP(X != TIER_NONE && x != w->k)
    LK_CASE(LTK) CMP(X != TIER_NONE && x < w->k)
    LK_CASE(LEK) CMP(X != TIER_NONE && x <= w->k)
    LK_CASE(GTK) CMP(X > w->k) /* none is the least value: never > k, nor >= k */
    LK_CASE(GEK) CMP(X >= w->k)
    LK_CASE(EQA) CMP(has_asof && X == asof)
    LK_CASE(NEA) CMP(X != TIER_NONE && has_asof && x != asof)
    LK_CASE(LTA) CMP(X != TIER_NONE && has_asof && x < asof)
    LK_CASE(LEA) CMP(X != TIER_NONE && has_asof && x <= asof)
    LK_CASE(GTA) CMP(has_asof && X > asof)
    LK_CASE(GEA) CMP(has_asof && X >= asof)
    LK_CASE(INSET) CMP(X >= 0 && x < 64 && ((uint64_t)w->k >> x & 1))
    LK_CASE(NONE) CMP(X == TIER_NONE)
    LK_CASE(WITHIN_M) if (w->k != win_m) win_m = w->k, win_lo = window_lo(vm, asof, w->k); CMP(X != TIER_NONE && x <= asof && x > win_lo)
    LK_CASE(WITHIN_D) CMP(X != TIER_NONE && x <= asof && asof - x < w->k)
    LK_CASE(TRUE) CMP(X == 1)
    LK_CASE(HELD) /* one test, & not &&: three rows' branches were one a row */
      X, y = item[w->slot2];
      HELD_STEPS;
      CMP((x != TIER_NONE) & has_asof & (x <= asof) & ((y == TIER_NONE) | (y > asof)))
    LK_CASE(REG) CMP(REG == 1)
    LK_CASE(SET) REG = w->k; DONE
    LK_CASE(COPY) REG = X; DONE
    LK_CASE(NORM) REG = REG == 1; DONE
    LK_CASE(INCR) REG = (int64_t)((uint64_t)REG + 1); DONE /* wraps, never UB */
    LK_CASE(SUM)
      if (X != TIER_NONE && (__builtin_add_overflow(REG, x, &REG) || REG == TIER_NONE)) return *at = w->at, FAULT_OVERFLOW;
      DONE
    LK_CASE(MIN) if (X != TIER_NONE && (REG == TIER_NONE || x < REG)) REG = x; DONE
    LK_CASE(MAX) if (X != TIER_NONE && (REG == TIER_NONE || x > REG)) REG = x; DONE
    LK_CASE(DADD_S)
      if ((e = dadd_text(vm, r, w->r, X))) return *at = w->at, e;
      DONE
    LK_CASE(C_LEA) CNT(X != TIER_NONE && has_asof && x <= asof)
    LK_CASE(C_INSET) CNT(X >= 0 && x < 64 && ((uint64_t)w->k >> x & 1))
    LK_CASE(C_WITHIN_M) if (w->k != win_m) win_m = w->k, win_lo = window_lo(vm, asof, w->k); CNT(X != TIER_NONE && x <= asof && x > win_lo)
    LK_CASE(END) /* the item is done: the next, from the first row */
      if (--n == 0) return FAULT_NONE;
      item += width, w = first;
      lk_steps(L->pre);
      LK_START;
#ifndef VM_GOTO
    default: __builtin_unreachable(); /* loopk.c makes no other row */
  }
#endif
// clang-format on
}
#undef X
#undef REG
#undef CMP
#undef DONE
#undef CNT
#undef HELD_STEPS
#undef LK_START
#undef GO
#undef LK_CASE

/* Run the segment at instruction `entry` with evaluation date `asof`.  For a
 * rule, *out is its value; for the metric block, the registers are filled. */
int vm_run(struct tier_vm *vm, uint32_t entry, const struct record *r, int64_t asof, int64_t *out) {
  return vm_run_code(vm, vm->rs->run, entry, r, asof, out);
}

/* vm_run of `code`: the ruleset's, or copies of verified stretches of it
 * whose jumps stay inside them (score.c). */
int vm_run_code(struct tier_vm *vm, const struct vinsn *code, uint32_t entry, const struct record *r, int64_t asof,
                int64_t *out) {
  const struct tier_ruleset *rs = vm->rs;
  const struct vinsn *ip = code + entry;
  const int64_t *K = rs->kvals;
  int64_t *sp = vm->stack; /* points past the top */
  int64_t *regs = vm->regs;
  const int64_t *item = NULL;
  uint32_t left = 0, width = 0, n = 0; /* left: the items of the innermost loop from the current one on */
  /* the loops around the innermost one: a loop over an inner list at depth
   * d runs inside the loop over its parent (verified), whose state waits in
   * outer[d - 1] */
  struct {
    const int64_t *item;
    uint32_t left, width;
  } outer[LIM_LIST_DEPTH];
  const struct img_list *lists = rs->img->lists;
  const char *ta, *tb;
  uint32_t la, lb;
  int64_t x, y;
  uint32_t per_a = 0; /* INPER's cached period and date, valid when per_ok, and its days */
  int64_t per_x = 0, per_lo = 0, per_hi = -1;
  bool per_ok = false;
  uint32_t mon_a = 0; /* ADDMON's cached months and date, valid when mon_ok, and its result */
  int64_t mon_in = 0, mon_out = 0;
  bool mon_ok = false;

#define A (ip->a)
#define B (ip->b)
#define TOP sp[-1]
#define SND sp[-2]
/* class F: the number at stack position p, and number register m (read
 * through vm at each use: loading them up front costs every run) */
#define NUM(p) vm->nstack[(p) - vm->stack]
#define NREG(m) vm->nregs[m]
#define NTOP NUM(sp - 1)
/* The differential test builds this file with TIER_COUNT_STEPS to count
 * the instructions an evaluation runs against the cost bound (SPEC 4.5). */
#ifdef TIER_COUNT_STEPS
#define vmstep() (vm->steps++)
#else
#define vmstep() ((void)0)
#endif
  /* The dispatch table: one short case per line, macros that span lines
   * with their continuations aligned.  clang-format cannot lay this out
   * (it joins the vmcase lines around any line it touches, and reads the
   * exit labels below as cases of the switch), so the region, to the end
   * of vm_run, is kept by hand. */
  // clang-format off
#ifdef VM_GOTO
  /* one label per byte value: an opcode the verifier let through by
   * mistake lands on `badop`, never outside the table */
#define LBL(name, f, in, out, reg, doc) [OP_##name] = &&L_##name,
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
  static const void *const labels[256] = {[0 ... 255] = &&badop, TIER_OPCODES(LBL)
    [OP_ITEM_JNEQK_I] = &&L_ITEM_JNEQK_I, [OP_ITEM_JNNEK_I] = &&L_ITEM_JNNEK_I, [OP_ITEM_JNLTK_I] = &&L_ITEM_JNLTK_I,
    [OP_ITEM_JNLEK_I] = &&L_ITEM_JNLEK_I, [OP_ITEM_JNGTK_I] = &&L_ITEM_JNGTK_I, [OP_ITEM_JNGEK_I] = &&L_ITEM_JNGEK_I,
    [OP_ITEM_EQK_I] = &&L_ITEM_EQK_I, [OP_ITEM_NEK_I] = &&L_ITEM_NEK_I, [OP_ITEM_LTK_I] = &&L_ITEM_LTK_I,
    [OP_ITEM_LEK_I] = &&L_ITEM_LEK_I, [OP_ITEM_GTK_I] = &&L_ITEM_GTK_I, [OP_ITEM_GEK_I] = &&L_ITEM_GEK_I,
    [OP_ITEM_ASOF_EQ_I] = &&L_ITEM_ASOF_EQ_I, [OP_ITEM_ASOF_NE_I] = &&L_ITEM_ASOF_NE_I,
    [OP_ITEM_ASOF_LT_I] = &&L_ITEM_ASOF_LT_I, [OP_ITEM_ASOF_LE_I] = &&L_ITEM_ASOF_LE_I,
    [OP_ITEM_ASOF_GT_I] = &&L_ITEM_ASOF_GT_I, [OP_ITEM_ASOF_GE_I] = &&L_ITEM_ASOF_GE_I,
    [OP_ITEM_WITHIN_M] = &&L_ITEM_WITHIN_M, [OP_ITEM_DADD_S] = &&L_ITEM_DADD_S, [OP_SETMETRIC_JFR] = &&L_SETMETRIC_JFR,
    [OP_JFR_ITEM_JNEQK_I] = &&L_JFR_ITEM_JNEQK_I, [OP_JFR_ITEM_JNNEK_I] = &&L_JFR_ITEM_JNNEK_I,
    [OP_JFR_ITEM_JNLTK_I] = &&L_JFR_ITEM_JNLTK_I, [OP_JFR_ITEM_JNLEK_I] = &&L_JFR_ITEM_JNLEK_I,
    [OP_JFR_ITEM_JNGTK_I] = &&L_JFR_ITEM_JNGTK_I, [OP_JFR_ITEM_JNGEK_I] = &&L_JFR_ITEM_JNGEK_I,
    [OP_ITEM_ISNONE_ORJ] = &&L_ITEM_ISNONE_ORJ, [OP_ITEM_INSET] = &&L_ITEM_INSET, [OP_ITEM_JUMPF] = &&L_ITEM_JUMPF,
    [OP_ITEM_ASOF_EQ_I_JUMPF] = &&L_ITEM_ASOF_EQ_I_JUMPF, [OP_ITEM_ASOF_NE_I_JUMPF] = &&L_ITEM_ASOF_NE_I_JUMPF,
    [OP_ITEM_ASOF_LT_I_JUMPF] = &&L_ITEM_ASOF_LT_I_JUMPF, [OP_ITEM_ASOF_LE_I_JUMPF] = &&L_ITEM_ASOF_LE_I_JUMPF,
    [OP_ITEM_ASOF_GT_I_JUMPF] = &&L_ITEM_ASOF_GT_I_JUMPF, [OP_ITEM_ASOF_GE_I_JUMPF] = &&L_ITEM_ASOF_GE_I_JUMPF,
    [OP_ITEM_ASOF_EQ_I_ANDJ] = &&L_ITEM_ASOF_EQ_I_ANDJ, [OP_ITEM_ASOF_NE_I_ANDJ] = &&L_ITEM_ASOF_NE_I_ANDJ,
    [OP_ITEM_ASOF_LT_I_ANDJ] = &&L_ITEM_ASOF_LT_I_ANDJ, [OP_ITEM_ASOF_LE_I_ANDJ] = &&L_ITEM_ASOF_LE_I_ANDJ,
    [OP_ITEM_ASOF_GT_I_ANDJ] = &&L_ITEM_ASOF_GT_I_ANDJ, [OP_ITEM_ASOF_GE_I_ANDJ] = &&L_ITEM_ASOF_GE_I_ANDJ,
    [OP_ITEM_EQK_I_ANDJ] = &&L_ITEM_EQK_I_ANDJ, [OP_ITEM_NEK_I_ANDJ] = &&L_ITEM_NEK_I_ANDJ,
    [OP_ITEM_LTK_I_ANDJ] = &&L_ITEM_LTK_I_ANDJ, [OP_ITEM_LEK_I_ANDJ] = &&L_ITEM_LEK_I_ANDJ,
    [OP_ITEM_GTK_I_ANDJ] = &&L_ITEM_GTK_I_ANDJ, [OP_ITEM_GEK_I_ANDJ] = &&L_ITEM_GEK_I_ANDJ,
    [OP_ITEM_INSET_JUMPF] = &&L_ITEM_INSET_JUMPF, [OP_JFR_ITEM_INSET_JUMPF] = &&L_JFR_ITEM_INSET_JUMPF,
    [OP_ITEM_WITHIN_M_JUMPF] = &&L_ITEM_WITHIN_M_JUMPF, [OP_PUSH_SETMETRIC] = &&L_PUSH_SETMETRIC,
    [OP_DSIZE_SETMETRIC] = &&L_DSIZE_SETMETRIC, [OP_LOOPK] = &&L_LOOPK};
#pragma GCC diagnostic pop
#undef LBL
#define vmdispatch() do { vmstep(); goto *labels[ip->op]; } while (0)
#define vmcase(name) L_##name:
#define vmbreak do { ip++; vmdispatch(); } while (0)
#define vmfallthrough (void)0 /* into the next label */
  vmdispatch();
#else
  /* `continue` re-dispatches at ip: it must not sit inside a loop of its own */
#define vmdispatch() continue
#define vmcase(name) case OP_##name:
#define vmbreak { ip++; continue; }
#ifdef __GNUC__
#define vmfallthrough __attribute__((fallthrough)) /* into the next case */
#else
#define vmfallthrough (void)0
#endif
  for (;;) switch (vmstep(), ip->op) {
#endif
  vmcase(NOP) vmbreak;
  vmcase(PUSH) *sp++ = K[A]; vmbreak;
  vmcase(PUSH_F) NUM(sp) = rs->img->consts[A].q; sp++; vmbreak;
  vmcase(FIELD) *sp++ = r->top[A]; vmbreak;
  vmcase(FIELD_F) if (!vm_record_num(r, r->top[A], &NUM(sp))) goto badnum; sp++; vmbreak;
  vmcase(ITEM) *sp++ = item[A]; vmbreak;
  vmcase(ITEM_F) if (!vm_record_num(r, item[A], &NUM(sp))) goto badnum; sp++; vmbreak;
  vmcase(METRIC) *sp++ = regs[A]; vmbreak;
  vmcase(METRIC_F) NUM(sp) = NREG(A); sp++; vmbreak;
  vmcase(SETMETRIC) regs[A] = *--sp; vmbreak;
  vmcase(PUSH_SETMETRIC) regs[ip[1].a] = K[A]; ip += 2; vmstep(); vmdispatch();
  vmcase(SETMETRIC_F) sp--; NREG(A) = NUM(sp); vmbreak;
  vmcase(ASOF) *sp++ = asof; vmbreak;
  vmcase(NOT) TOP = TOP == 0; vmbreak;
  vmcase(BOOL) TOP = TOP == 1; vmbreak;
  vmcase(NEG_I) if (TOP != TIER_NONE) TOP = -TOP; vmbreak;
  vmcase(NEG_F) NTOP = num_neg(NTOP); vmbreak;
#define ARITH_I(fn)                                                   \
  x = SND; y = TOP; sp--;                                             \
  if (x == TIER_NONE || y == TIER_NONE) TOP = TIER_NONE;              \
  else if (fn(x, y, &TOP) || TOP == TIER_NONE) goto overflow;         \
  vmbreak;
  vmcase(ADD_I) ARITH_I(__builtin_add_overflow)
  vmcase(SUB_I) ARITH_I(__builtin_sub_overflow)
  vmcase(MUL_I) ARITH_I(__builtin_mul_overflow)
#define ARITH_F(fn) sp--; if (fn(NTOP, NUM(sp), &NTOP)) goto numrange; vmbreak;
  vmcase(ADD_F) ARITH_F(num_add)
  vmcase(SUB_F) ARITH_F(num_sub)
  vmcase(MUL_F) ARITH_F(num_mul)
  vmcase(DIV_F) ARITH_F(num_div) /* by zero: none */
  vmcase(I2F) NTOP = TOP == TIER_NONE ? num_none() : num_from_int(TOP); vmbreak;
  vmcase(M2F) NTOP = TOP == TIER_NONE ? num_none() : num_from_cents(TOP); vmbreak;
  vmcase(I2M)
    if (TOP != TIER_NONE && (__builtin_mul_overflow(TOP, 100, &x) || x == TIER_NONE)) goto overflow;
    if (TOP != TIER_NONE) TOP = x;
    vmbreak;
  /* A fused instruction (fuse) does the work of the ones it stands for
   * but the last, steps onto the last and falls into it: */
#define ITEM_THEN *sp++ = item[A]; ip++; vmstep(); vmfallthrough;
#define ITEM_ASOF_THEN *sp++ = item[A]; *sp++ = asof; ip += 2; vmstep(); vmstep(); vmfallthrough;
#define CMP_I(op) sp--; TOP = TOP != TIER_NONE && sp[0] != TIER_NONE && TOP op sp[0]; vmbreak;
  vmcase(ITEM_ASOF_EQ_I) ITEM_ASOF_THEN
  vmcase(EQ_I) CMP_I(==)
  vmcase(ITEM_ASOF_NE_I) ITEM_ASOF_THEN
  vmcase(NE_I) CMP_I(!=)
  vmcase(ITEM_ASOF_LT_I) ITEM_ASOF_THEN
  vmcase(LT_I) CMP_I(<)
  vmcase(ITEM_ASOF_LE_I) ITEM_ASOF_THEN
  vmcase(LE_I) CMP_I(<=)
  vmcase(ITEM_ASOF_GT_I) ITEM_ASOF_THEN
  vmcase(GT_I) CMP_I(>)
  vmcase(ITEM_ASOF_GE_I) ITEM_ASOF_THEN
  vmcase(GE_I) CMP_I(>=)
#define CMPK_I(op) TOP = TOP != TIER_NONE && K[A] != TIER_NONE && TOP op K[A]; vmbreak;
  vmcase(ITEM_EQK_I) ITEM_THEN
  vmcase(EQK_I) CMPK_I(==)
  vmcase(ITEM_NEK_I) ITEM_THEN
  vmcase(NEK_I) CMPK_I(!=)
  vmcase(ITEM_LTK_I) ITEM_THEN
  vmcase(LTK_I) CMPK_I(<)
  vmcase(ITEM_LEK_I) ITEM_THEN
  vmcase(LEK_I) CMPK_I(<=)
  vmcase(ITEM_GTK_I) ITEM_THEN
  vmcase(GTK_I) CMPK_I(>)
  vmcase(ITEM_GEK_I) ITEM_THEN
  vmcase(GEK_I) CMPK_I(>=)
#define CMP_F(op)                                                               \
  sp--;                                                                         \
  TOP = !num_is_none(NTOP) && !num_is_none(NUM(sp)) && num_cmp(NTOP, NUM(sp)) op 0; \
  vmbreak;
  vmcase(EQ_F) CMP_F(==)
  vmcase(NE_F) CMP_F(!=)
  vmcase(LT_F) CMP_F(<)
  vmcase(LE_F) CMP_F(<=)
  vmcase(GT_F) CMP_F(>)
  vmcase(GE_F) CMP_F(>=)
#define CMP_S(op)                                                               \
  sp--;                                                                         \
  if (TOP == TIER_NONE || sp[0] == TIER_NONE) { TOP = 0; vmbreak; }             \
  if (!vm_text_of(rs, r, TOP, &ta, &la) || !vm_text_of(rs, r, sp[0], &tb, &lb)) goto badtext; \
  TOP = vm_text_cmp(ta, la, tb, lb) op 0;                                          \
  vmbreak;
  vmcase(EQ_S) CMP_S(==)
  vmcase(NE_S) CMP_S(!=)
  vmcase(LT_S) CMP_S(<)
  vmcase(LE_S) CMP_S(<=)
  vmcase(GT_S) CMP_S(>)
  vmcase(GE_S) CMP_S(>=)
  vmcase(ISNONE) TOP = TOP == TIER_NONE; vmbreak;
  vmcase(ISNONE_F) TOP = num_is_none(NTOP); vmbreak;
  vmcase(ITEM_INSET) ITEM_THEN
  vmcase(INSET) TOP = TOP >= 0 && TOP < 64 && ((uint64_t)K[A] >> TOP & 1); vmbreak;
  /* Date arithmetic.  The verifier lets only dates (class D) reach these:
   * record dates are parsed calendar dates, date constants are checked, asof
   * is checked by vm_evaluate, and ADDMON/ADDDAY clamp what they give to
   * 0001-01-01 .. 9999-12-31.  So |TOP| < 3,000,000 and |A| <= 1,200,000
   * here, and no sum or difference below can overflow. */
  vmcase(ADDMON)
    /* a loop that moves one date (the evaluation date) for every item asks
     * the same again: answered once while the date and the months stay */
    if (!mon_ok || A != mon_a || TOP != mon_in) {
      mon_ok = true;
      mon_a = A;
      mon_in = TOP;
      mon_out = date_add_months(TOP, (int32_t)A);
    }
    TOP = mon_out;
    vmbreak;
  vmcase(ADDDAY)
    if (TOP != TIER_NONE) {
      x = TOP + (int32_t)A;
      TOP = x < DATE_MIN ? DATE_MIN : x > DATE_MAX ? DATE_MAX : x;
    }
    vmbreak;
  vmcase(ITEM_WITHIN_M) ITEM_THEN
  vmcase(WITHIN_M)
    /* the window's start depends on asof and the months only: computed once,
     * not per item (window_lo) */
    TOP = TOP != TIER_NONE && TOP <= asof && TOP > window_lo(vm, asof, (int32_t)A);
    vmbreak;
  vmcase(WITHIN_D)
    TOP = TOP != TIER_NONE && TOP <= asof && asof - TOP < (int64_t)(int32_t)A;
    vmbreak;
  vmcase(JUMP) ip = code + A; vmdispatch();
  vmcase(SETMETRIC_JFR) regs[A] = *--sp; ip++; vmstep(); vmfallthrough;
  vmcase(JFR) if (regs[A] != 1) { ip = code + B; vmdispatch(); } vmbreak;
#define JNK_I(op)                                                             \
  x = *--sp;                                                                  \
  if (!(x != TIER_NONE && K[A] != TIER_NONE && x op K[A])) { ip = code + B; vmdispatch(); } \
  vmbreak;
  /* ITEM then JNxxK_I (fuse): the item's field tested without the stack;
   * the pair's operands are ip->a and ip[1].a, ip[1].b */
#define IJNK_I(op)                                                            \
  x = item[A]; vmstep();                                                      \
  if (!(x != TIER_NONE && K[ip[1].a] != TIER_NONE && x op K[ip[1].a])) { ip = code + ip[1].b; vmdispatch(); } \
  ip += 2; vmdispatch();
  vmcase(ITEM_JNEQK_I) IJNK_I(==)
  vmcase(ITEM_JNNEK_I) IJNK_I(!=)
  vmcase(ITEM_JNLTK_I) IJNK_I(<)
  vmcase(ITEM_JNLEK_I) IJNK_I(<=)
  vmcase(ITEM_JNGTK_I) IJNK_I(>)
  vmcase(ITEM_JNGEK_I) IJNK_I(>=)
  vmcase(JNEQK_I) JNK_I(==)
  vmcase(JNNEK_I) JNK_I(!=)
  vmcase(JNLTK_I) JNK_I(<)
  vmcase(JNLEK_I) JNK_I(<=)
  vmcase(JNGTK_I) JNK_I(>)
  vmcase(JNGEK_I) JNK_I(>=)
  /* JFR then ITEM then JNxxK_I (fuse): the JFR's test, then as ITEM_JNxxK_I from ip[1] */
#define JFR_IJNK_I(op)                                                        \
  if (regs[A] != 1) { ip = code + B; vmdispatch(); }                          \
  ip++; vmstep();                                                             \
  IJNK_I(op)
  vmcase(JFR_ITEM_JNEQK_I) JFR_IJNK_I(==)
  vmcase(JFR_ITEM_JNNEK_I) JFR_IJNK_I(!=)
  vmcase(JFR_ITEM_JNLTK_I) JFR_IJNK_I(<)
  vmcase(JFR_ITEM_JNLEK_I) JFR_IJNK_I(<=)
  vmcase(JFR_ITEM_JNGTK_I) JFR_IJNK_I(>)
  vmcase(JFR_ITEM_JNGEK_I) JFR_IJNK_I(>=)
  /* A comparison and its jump (fuse): c is the comparison's value; JUMPF
   * goes to t when it is false, ANDJ leaves a false there too, and on
   * either both instructions are done.  The operands are those of the run's
   * instructions as written: n of them, the jump last. */
#define CJUMPF(c, n) if (!(c)) { ip = code + ip[(n) - 1].a; vmdispatch(); } ip += (n); vmdispatch();
#define CANDJ(c, n) if (!(c)) { *sp++ = 0; ip = code + ip[(n) - 1].a; vmdispatch(); } ip += (n); vmdispatch();
#define STEPS3 vmstep(); vmstep(); vmstep();
#define IA(op) (x = item[A], x != TIER_NONE && asof != TIER_NONE && x op asof)
  vmcase(ITEM_ASOF_EQ_I_JUMPF) STEPS3 CJUMPF(IA(==), 4)
  vmcase(ITEM_ASOF_NE_I_JUMPF) STEPS3 CJUMPF(IA(!=), 4)
  vmcase(ITEM_ASOF_LT_I_JUMPF) STEPS3 CJUMPF(IA(<), 4)
  vmcase(ITEM_ASOF_LE_I_JUMPF) STEPS3 CJUMPF(IA(<=), 4)
  vmcase(ITEM_ASOF_GT_I_JUMPF) STEPS3 CJUMPF(IA(>), 4)
  vmcase(ITEM_ASOF_GE_I_JUMPF) STEPS3 CJUMPF(IA(>=), 4)
  vmcase(ITEM_ASOF_EQ_I_ANDJ) STEPS3 CANDJ(IA(==), 4)
  vmcase(ITEM_ASOF_NE_I_ANDJ) STEPS3 CANDJ(IA(!=), 4)
  vmcase(ITEM_ASOF_LT_I_ANDJ) STEPS3 CANDJ(IA(<), 4)
  vmcase(ITEM_ASOF_LE_I_ANDJ) STEPS3 CANDJ(IA(<=), 4)
  vmcase(ITEM_ASOF_GT_I_ANDJ) STEPS3 CANDJ(IA(>), 4)
  vmcase(ITEM_ASOF_GE_I_ANDJ) STEPS3 CANDJ(IA(>=), 4)
#define IK(op) (x = item[A], y = K[ip[1].a], x != TIER_NONE && y != TIER_NONE && x op y)
  vmcase(ITEM_EQK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(==), 3)
  vmcase(ITEM_NEK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(!=), 3)
  vmcase(ITEM_LTK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(<), 3)
  vmcase(ITEM_LEK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(<=), 3)
  vmcase(ITEM_GTK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(>), 3)
  vmcase(ITEM_GEK_I_ANDJ) vmstep(); vmstep(); CANDJ(IK(>=), 3)
  vmcase(JFR_ITEM_INSET_JUMPF) if (regs[A] != 1) { ip = code + B; vmdispatch(); } ip++; vmstep(); vmfallthrough;
  vmcase(ITEM_INSET_JUMPF)
    x = item[A]; vmstep(); vmstep();
    CJUMPF(x >= 0 && x < 64 && ((uint64_t)K[ip[1].a] >> x & 1), 3)
  vmcase(ITEM_WITHIN_M_JUMPF)
    x = item[A]; vmstep(); vmstep();
    CJUMPF(x != TIER_NONE && x <= asof && x > window_lo(vm, asof, (int32_t)ip[1].a), 3)
  vmcase(INCR) regs[A] = (int64_t)((uint64_t)regs[A] + 1); vmbreak;
  vmcase(ITEM_JUMPF) ITEM_THEN
  vmcase(JUMPF) if (*--sp != 1) { ip = code + A; vmdispatch(); } vmbreak;
  vmcase(ANDJ) if (TOP != 1) { TOP = 0; ip = code + A; vmdispatch(); } sp--; vmbreak;
  vmcase(ITEM_ISNONE_ORJ) *sp++ = item[A] == TIER_NONE; ip += 2; vmstep(); vmstep(); vmfallthrough;
  vmcase(ORJ) if (TOP == 1) { ip = code + A; vmdispatch(); } sp--; vmbreak;
  vmcase(LOOP)
    if (lists[A].depth == 0) { /* a list of the record: all its items */
      n = r->lists[A].n;
      if (n == 0) { ip = code + B; vmdispatch(); }
      item = r->lists[A].items;
    } else { /* an inner list: the current item's run of its items */
      x = item[lists[A].pslot];
      if (LIST_COUNT(x) == 0) { ip = code + B; vmdispatch(); }
      outer[lists[A].depth - 1].item = item;
      outer[lists[A].depth - 1].left = left;
      outer[lists[A].depth - 1].width = width;
      n = LIST_COUNT(x);
      item = r->lists[A].items + (size_t)LIST_START(x) * lists[A].width;
    }
    width = lists[A].width;
    left = n;
    vmbreak;
  vmcase(NEXT)
    if (--left) { item += width; ip = code + B; vmdispatch(); }
    if (lists[A].depth > 0) { /* back in the parent's loop, at its item */
      item = outer[lists[A].depth - 1].item;
      left = outer[lists[A].depth - 1].left;
      width = outer[lists[A].depth - 1].width;
    }
    vmbreak;
  vmcase(CNT) sp--; TOP = (int64_t)((uint64_t)TOP + (sp[0] == 1)); vmbreak; /* wraps, never UB */
  vmcase(SUM_I)
    sp--;
    if (sp[0] != TIER_NONE && (__builtin_add_overflow(TOP, sp[0], &TOP) || TOP == TIER_NONE)) goto overflow;
    vmbreak;
  vmcase(SUM_F) sp--; if (!num_is_none(NUM(sp)) && num_add(NTOP, NUM(sp), &NTOP)) goto numrange; vmbreak;
  vmcase(MIN_I) sp--; if (sp[0] != TIER_NONE && (TOP == TIER_NONE || sp[0] < TOP)) TOP = sp[0]; vmbreak;
  vmcase(MAX_I) sp--; if (sp[0] != TIER_NONE && (TOP == TIER_NONE || sp[0] > TOP)) TOP = sp[0]; vmbreak;
#define MINMAX_F(acc, x, op) if (!num_is_none(x) && (num_is_none(acc) || num_cmp(x, acc) op 0)) acc = x;
  vmcase(MIN_F) sp--; MINMAX_F(NTOP, NUM(sp), <) vmbreak;
  vmcase(MAX_F) sp--; MINMAX_F(NTOP, NUM(sp), >) vmbreak;
  vmcase(ANY) sp--; TOP = TOP == 1 || sp[0] == 1; vmbreak;
  vmcase(ALL) sp--; TOP = TOP == 1 && sp[0] == 1; vmbreak;
  vmcase(DCLEAR) dset_clear(vm, &vm->dsets[A]); vmbreak;
  vmcase(DADD) {
    /* missing values are not counted */
    uint64_t key = (uint64_t)*--sp;
    if (key == (uint64_t)TIER_NONE) vmbreak;
    struct dset *d = &vm->dsets[A];
    uint32_t mask = vm->dcap - 1, s = (uint32_t)hash_bytes(&vm->hkey, &key, sizeof key) & mask;
    for (vm->probes++; d->gens[s] == d->gen && d->keys[s] != key; vm->probes++) s = (s + 1) & mask;
    if (d->gens[s] != d->gen) {
      /* the set is sized for the record's longest list; more adds than that
       * (several loops into one set) must not fill it */
      if (2 * (d->n + 1) > vm->dcap) goto setfull;
      d->gens[s] = d->gen;
      d->keys[s] = key;
      d->n++;
    }
    vmbreak;
  }
  vmcase(LOOPK) {
    uint32_t at;
    /* an empty list, a quarter of the benchmark's loops, without the call:
     * what run_loopk does first */
    if (r->lists[rs->loops[B].list].n == 0) { ip = code + rs->loops[B].exit; vmdispatch(); }
    switch (run_loopk(vm, &rs->loops[B], r, asof, &at)) {
    case FAULT_NONE: ip = code + rs->loops[B].exit; vmdispatch();
    case FAULT_OVERFLOW: ip = code + at; goto overflow;
    case FAULT_TEXT: ip = code + at; goto badtext;
    default: ip = code + at; goto setfull;
    }
  }
  vmcase(ITEM_DADD_S) ITEM_THEN
  vmcase(DADD_S)
    switch (dadd_text(vm, r, A, *--sp)) {
    case FAULT_TEXT: goto badtext;
    case FAULT_FULL: goto setfull;
    default: vmbreak;
    }
  vmcase(DSIZE) *sp++ = vm->dsets[A].n; vmbreak;
  vmcase(DSIZE_SETMETRIC) regs[ip[1].a] = vm->dsets[A].n; ip += 2; vmstep(); vmdispatch();
  vmcase(CNTR) sp--; regs[A] = (int64_t)((uint64_t)regs[A] + (*sp == 1)); vmbreak;
  vmcase(ANYR) sp--; regs[A] = regs[A] == 1 || *sp == 1; vmbreak;
  vmcase(ALLR) sp--; regs[A] = regs[A] == 1 && *sp == 1; vmbreak;
  vmcase(SUMR_I)
    x = *--sp;
    if (x != TIER_NONE && (__builtin_add_overflow(regs[A], x, &regs[A]) || regs[A] == TIER_NONE)) goto overflow;
    vmbreak;
  vmcase(SUMR_F) sp--; if (!num_is_none(NUM(sp)) && num_add(NREG(A), NUM(sp), &NREG(A))) goto numrange; vmbreak;
  vmcase(MINR_I) x = *--sp; if (x != TIER_NONE && (regs[A] == TIER_NONE || x < regs[A])) regs[A] = x; vmbreak;
  vmcase(MAXR_I) x = *--sp; if (x != TIER_NONE && (regs[A] == TIER_NONE || x > regs[A])) regs[A] = x; vmbreak;
  vmcase(MINR_F) sp--; MINMAX_F(NREG(A), NUM(sp), <) vmbreak;
  vmcase(MAXR_F) sp--; MINMAX_F(NREG(A), NUM(sp), >) vmbreak;
  vmcase(RET) *out = *--sp; return TIER_OK;
  vmcase(END) return TIER_OK;
#define MINMAX2_I(op)                                                   \
  sp--;                                                                 \
  if (TOP == TIER_NONE || sp[0] == TIER_NONE) TOP = TIER_NONE;          \
  else if (sp[0] op TOP) TOP = sp[0];                                   \
  vmbreak;
  vmcase(MIN2_I) MINMAX2_I(<)
  vmcase(MAX2_I) MINMAX2_I(>)
/* none if either is, with num_none_of's reason (as arithmetic gives it) */
#define MINMAX2_F(op)                                                               \
  sp--;                                                                             \
  if (num_is_none(NTOP) || num_is_none(NUM(sp))) NTOP = num_none_of(NTOP, NUM(sp)); \
  else if (num_cmp(NUM(sp), NTOP) op 0) NTOP = NUM(sp);                             \
  vmbreak;
  vmcase(MIN2_F) MINMAX2_F(<)
  vmcase(MAX2_F) MINMAX2_F(>)
  vmcase(ABS_I) if (TOP < 0 && TOP != TIER_NONE) TOP = -TOP; vmbreak;
  vmcase(ABS_F) NTOP = num_abs(NTOP); vmbreak;
  vmcase(FLOOR_I) vmcase(CEIL_I) vmcase(ROUND_I)
    if (TOP != TIER_NONE && !int_round(ip->op, TOP, (int32_t)A, &TOP)) goto overflow;
    vmbreak;
  vmcase(FLOOR_F) if (num_floor(NTOP, &NTOP)) goto numrange; vmbreak;
  vmcase(MCLEAR) vm->mbufs[A].n = 0; vmbreak;
  vmcase(TRACE) vm->trace[A] = TOP; vmbreak;
  vmcase(TRACE_F) vm->ntrace[A] = NTOP; vmbreak;
  vmcase(AVG)
    x = *--sp;
    if (x == 0) NTOP = num_none(); /* of no values: none (SPEC 3.5) */
    else if (num_div(NTOP, num_from_int(x), &NTOP)) goto numrange;
    vmbreak;
  vmcase(MADD) {
    sp--;
    if (num_is_none(NUM(sp))) vmbreak;
    struct mbuf *b = &vm->mbufs[A];
    /* sized for the record's longest list: a crafted file that fills one
     * buffer from several loops must not overrun it */
    if (b->n >= vm->mcap) goto buffull;
    b->v[b->n++] = NUM(sp);
    vmbreak;
  }
  vmcase(MEDIAN) {
    uint64_t cmps = 0;
    if (median_of(&vm->mbufs[A], &NUM(sp), &cmps)) goto numrange;
    sp++;
#ifdef TIER_COUNT_STEPS
    vm->steps += cmps; /* the sort's comparisons count against the bound */
#endif
    vmbreak;
  }
  vmcase(CEIL_F) if (num_ceil(NTOP, &NTOP)) goto numrange; vmbreak;
  vmcase(ROUND_F) if (num_round(NTOP, (int32_t)A, &NTOP)) goto numrange; vmbreak;
  /* Date functions and periods (period.c).  The verifier lets only dates
   * reach them and only periods per_encode gives as their operand (decoded
   * once, at load); every date they make lies in the calendar. */
  vmcase(PSTART) if (TOP != TIER_NONE) TOP = per_start(ip->per, TOP); vmbreak;
  vmcase(PEND) if (TOP != TIER_NONE) TOP = per_end(ip->per, TOP); vmbreak;
  vmcase(YEAR) vmcase(MONTH)
    if (TOP != TIER_NONE) {
      int yy, mm, dd;
      date_to_ymd(TOP, &yy, &mm, &dd);
      TOP = ip->op == OP_YEAR ? yy : mm;
    }
    vmbreak;
  vmcase(DAYS) sp--; TOP = TOP == TIER_NONE || sp[0] == TIER_NONE ? TIER_NONE : sp[0] - TOP; vmbreak;
  vmcase(INPER)
    /* the period's days depend on the period and the second date only:
     * found once while those stay (a loop's items against one date), not
     * by taking every date apart */
    sp--;
    if (TOP == TIER_NONE || sp[0] == TIER_NONE) { TOP = 0; vmbreak; }
    if (!per_ok || A != per_a || sp[0] != per_x) {
      per_ok = true;
      per_a = A;
      per_x = sp[0];
      per_days(ip->per, per_x, &per_lo, &per_hi);
    }
    TOP = TOP >= per_lo && TOP <= per_hi;
    vmbreak;
  /* the previous round's outcome of block A (vm_evaluate) */
  vmcase(HOLDS) *sp++ = vm->ev.ref_holds[A]; vmbreak;
  vmcase(MEETS) *sp++ = vm->ev.ref_meets[A]; vmbreak;
#ifndef VM_GOTO
  default: goto badop;
  }
#endif

badop: /* unreachable for verified code: the verifier knows every opcode */
  snprintf(vm->err, sizeof vm->err, "%s", _("invalid instruction"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
overflow:
  snprintf(vm->err, sizeof vm->err, "%s", _("integer overflow"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
numrange:
  snprintf(vm->err, sizeof vm->err, "%s",
           _("number out of range (an exact result whose numerator or denominator needs more than 127 bits)"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
badnum:
  snprintf(vm->err, sizeof vm->err, "%s", _("invalid number value"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
badtext:
  snprintf(vm->err, sizeof vm->err, "%s", _("invalid text value"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
buffull:
  snprintf(vm->err, sizeof vm->err, "%s", _("too many values for a median for the record's lists"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
setfull:
  snprintf(vm->err, sizeof vm->err, "%s", _("too many distinct values for the record's lists"));
  vm->err_pc = (uint32_t)(ip - code);
  return TIER_ERUNTIME;
}
// clang-format on

/* ---- one record ------------------------------------------------------------------------ */

/* The driver: what vm_evaluate runs for one record.  Every loop here is
 * part of the cost bound (verify.c, docs/bytecode.md section 13): one run of
 * the metric block and of each requirement of the partner's type today,
 * then at each monthly checkpoint up to the longest `sustained` one run of
 * the metric block and of the requirements of the tiers still in question.
 * vm->steps counts the driver's own steps (runs, tier visits) for tests. */

/* vm_run for the driver's runs of a record's evaluation.  A round before
 * the last reads references that may not be final yet (vm_evaluate), so
 * it may take a side of an `or`, `and` or `if` the final values never
 * take, or walk checkpoints they never ask for, and fail there: `holds B
 * or EXPR` evaluates EXPR while B is not known to hold.  Such a runtime
 * error is not the record's: the run gives none (a requirement fails, a
 * grant gives nothing, a metric keeps what it has) and the round goes on.
 * Whatever that changes, the last round reads only final values, and a
 * fault they lead to comes again there. */
static int round_run(struct tier_vm *vm, uint32_t entry, const struct record *r, int64_t asof, int64_t *out) {
  int rc = vm_run(vm, entry, r, asof, out);
  if (rc != TIER_ERUNTIME || !vm->ev.provisional) return rc;
  if (out) *out = TIER_NONE;
  vm->err[0] = 0; /* not the record's: tier_vm_error must not say it after a success */
  vm->err_pc = 0;
  return TIER_OK;
}

/* Zero the registers first: a register the block does not set reads as 0,
 * never as a value left from the previous record. */
static int run_metrics(struct tier_vm *vm, const struct record *r, int64_t asof) {
  vm->steps += 1 + vm->rs->img->nmetrics;
  memset(vm->regs, 0, sizeof(int64_t) * vm->rs->img->nmetrics);
  if (vm->rs->num_regs) memset(vm->nregs, 0, sizeof(struct num) * vm->rs->img->nmetrics);
  return round_run(vm, vm->rs->metric_entry, r, asof, NULL);
}

/* What vm_run gives for a requirement of shape s, registers regs and
 * constants K: the same value.  SIMPLE_STEPS(s) is what a TIER_COUNT_STEPS
 * build counts for it (the instructions vm_run would run). */
static inline bool simple_holds(const int64_t *regs, const int64_t *K, const struct simple_req *s) {
  int64_t x = regs[s->m];
  if (s->cmp == OP_NEK_I) return x != TIER_NONE && K[s->k] != TIER_NONE && x != K[s->k];
  return x >= s->lo && x <= s->hi;
}
#ifdef TIER_COUNT_STEPS
#define SIMPLE_STEPS(s) ((s)->cmp == OP_RET ? 2u : 3u)
#else
#define SIMPLE_STEPS(s) 0u
#endif

static int run_req(struct tier_vm *vm, const struct record *r, int64_t asof, uint32_t q, bool *met) {
  int64_t v = 0;
  vm->steps++;
  if (vm->rs->simple[q].cmp) {
    vm->steps += SIMPLE_STEPS(&vm->rs->simple[q]);
    *met = simple_holds(vm->regs, vm->rs->kvals, &vm->rs->simple[q]);
    return TIER_OK;
  }
  int rc = round_run(vm, vm->rs->req_entry[q], r, asof, &v);
  *met = v == 1;
  return rc;
}

/* The explain code reads registers but never writes them (verified): it
 * runs on the evaluation date's copies, whatever a checkpoint's run left in
 * the live ones.  Its cost is in the bound with the requirement's, and so
 * is clearing its slots: the verifier counts a TRACE per slot at least. */
bool vm_trace(struct tier_vm *vm, uint32_t q) {
  const struct img_req *r = &vm->rs->img->reqs[q];
  if (r->xcode == NO_STR) return false;
  vm->trace = vm->trace_v + 2 * (size_t)r->xfirst;
  vm->ntrace = vm->trace_q + 2 * (size_t)r->xfirst;
  if (vm->trace_at[q] == vm->trace_stamp) return true;
  for (uint32_t k = 0; k < 2 * r->xn; k++) {
    vm->trace[k] = TIER_NONE;
    vm->ntrace[k] = num_none();
  }
  int64_t *regs = vm->regs, v = 0;
  struct num *nregs = vm->nregs;
  vm->regs = vm->ev.regs_today;
  vm->nregs = vm->ev.nregs_today;
  int rc = vm_run(vm, vm->rs->insn_at[r->xcode], &vm->rec, vm->ev.asof, &v);
  vm->regs = regs;
  vm->nregs = nregs;
  if (rc != TIER_OK) return false; /* not kept: a fault is the record's, as it would be again */
  vm->trace_at[q] = vm->trace_stamp;
  return true;
}

/* ---- blocks -------------------------------------------------------------------------------- */

/* Does item i hold, given each requirement's outcome in met?  Every item
 * below it is evaluated too (no short cut), so that held[] describes the
 * whole tree for the result.  The verifier bounds the depth (ITEM_DEPTH). */
static bool item_holds(const struct image *img, const bool *met, bool *held, uint32_t i) {
  const struct img_item *it = &img->items[i];
  bool h;
  if (it->kind == IT_LEAF) {
    h = met[it->first];
  } else {
    uint32_t n = 0;
    for (uint32_t k = it->first; k < it->first + it->count; k++) n += item_holds(img, met, held, k);
    h = n >= item_needs(it);
  }
  held[i] = h;
  return h;
}

/* Do the items of block blk hold (met: its requirements' outcomes)?  A
 * leaf, most items, is its requirement's outcome: read here, not by a
 * call per item. */
static bool block_holds(const struct image *img, const struct img_tier *blk, const bool *met, bool *held) {
  bool ok = true;
  for (uint32_t i = blk->first_item; i < blk->first_item + blk->nitems; i++) {
    const struct img_item *it = &img->items[i];
    bool h = it->kind == IT_LEAF ? (held[i] = met[it->first]) : item_holds(img, met, held, i);
    ok &= h;
  }
  return ok;
}

/* Does item i hold at evaluation date asof (the metric registers computed
 * for it)?  Requirements run only as far as needed: this is the
 * checkpoints' test.  Items are tried in order until enough hold; a
 * branch, which needs every one, also stops at the first that does not. */
static int item_holds_at(struct tier_vm *vm, const struct record *r, int64_t asof, uint32_t i, bool *holds) {
  const struct img_item *it = &vm->rs->img->items[i];
  vm->steps++;
  if (it->kind == IT_LEAF) return run_req(vm, r, asof, it->first, holds);
  uint32_t n = 0, need = item_needs(it);
  for (uint32_t k = it->first; k < it->first + it->count && n < need; k++) {
    bool h;
    int rc = item_holds_at(vm, r, asof, k, &h);
    if (rc) return rc;
    if (h) n++;
    else if (it->kind == IT_BRANCH) break;
  }
  *holds = n >= need;
  return TIER_OK;
}

/* Do the items of block blk hold at asof?  Stops at the first that does not. */
static int block_holds_at(struct tier_vm *vm, const struct record *r, int64_t asof, const struct img_tier *blk,
                          bool *holds) {
  *holds = true;
  for (uint32_t i = blk->first_item; i < blk->first_item + blk->nitems && *holds; i++) {
    int rc = item_holds_at(vm, r, asof, i, holds);
    if (rc) return rc;
  }
  return TIER_OK;
}

/* Run the requirements of block b at date asof into met (the metric
 * registers computed for asof). */
static int run_block(struct tier_vm *vm, const struct record *r, uint32_t b, int64_t asof, bool *met) {
  const struct img_tier *blk = img_block(vm->rs->img, b);
  const struct simple_req *simple = vm->rs->simple;
  vm->steps++;
  for (uint32_t q = blk->first_req; q < blk->first_req + blk->nreq; q++) {
    if (simple[q].cmp) { /* run_req's simple way, without the call */
      vm->steps += 1 + SIMPLE_STEPS(&simple[q]);
      met[q] = simple_holds(vm->regs, vm->rs->kvals, &simple[q]);
      continue;
    }
    int rc = run_req(vm, r, asof, q, &met[q]);
    if (rc) return rc;
  }
  return TIER_OK;
}

/* The simple requirements of a flat block from k on, up to the first that
 * is not simple or n: their outcomes into met and held (item k is
 * requirement k's), whether they all hold into *all, their steps into
 * *steps; where it stopped.  A loop without a call, so that what it uses
 * stays in registers. */
static uint32_t simple_run(const int64_t *regs, const int64_t *K, const struct simple_req *s, bool *met, bool *held, uint32_t k,
                           uint32_t n, bool *all, uint64_t *steps) {
  bool ok = true;
  uint64_t st = 0;
  for (; k < n && s[k].cmp; k++) {
    st += 1 + SIMPLE_STEPS(&s[k]);
    bool h = simple_holds(regs, K, &s[k]);
    met[k] = held[k] = h;
    ok &= h;
  }
  *all &= ok;
  *steps += st;
  return k;
}

/* Block b at the evaluation date: its requirements into ev->met, its items
 * into ev->held, and whether they all hold (run_block, then block_holds: the
 * same values and steps).  A flat block (rs->flat) is one walk: each
 * requirement's outcome is its item's. */
static int today_block(struct tier_vm *vm, const struct record *r, uint32_t b, bool *ok) {
  const struct tier_ruleset *rs = vm->rs;
  const struct img_tier *blk = img_block(rs->img, b);
  struct eval *ev = &vm->ev;
  if (!rs->flat[b]) {
    int rc = run_block(vm, r, b, ev->asof, ev->met);
    if (!rc) *ok = block_holds(rs->img, blk, ev->met, ev->held);
    return rc;
  }
  bool *met = ev->met + blk->first_req, *held = ev->held + blk->first_item, all = true;
  vm->steps++;
  for (uint32_t k = 0;; k++) {
    k = simple_run(vm->regs, rs->kvals, rs->simple + blk->first_req, met, held, k, blk->nreq, &all, &vm->steps);
    if (k == blk->nreq) break;
    int rc = run_req(vm, r, ev->asof, blk->first_req + k, &met[k]);
    if (rc) return rc;
    held[k] = met[k];
    all &= met[k];
  }
  *ok = all;
  return TIER_OK;
}

int vm_run_metrics_at(struct tier_vm *vm, const struct record *r, int64_t at) { return run_metrics(vm, r, at); }
int vm_run_block_at(struct tier_vm *vm, const struct record *r, int64_t at, uint32_t b, bool *met) {
  return run_block(vm, r, b, at, met);
}

int vm_run_at(struct tier_vm *vm, const struct record *r, int64_t at, int p, uint32_t b0, uint32_t b, bool *met) {
  int rc = run_metrics(vm, r, at);
  for (uint32_t k = b0; k <= b && !rc; k++)
    if (p < 0 || (int)img_block(vm->rs->img, k)->ptype == p) rc = run_block(vm, r, k, at, met);
  return rc;
}

/* The evaluation date: asof_override, or the review rule's date, or today. */
static int eval_date(struct tier_vm *vm, const struct record *r, int64_t asof_override, int64_t *asof) {
  const struct tier_ruleset *rs = vm->rs;
  *asof = asof_override;
  /* every date the VM computes with lies in the calendar (see ADDMON): so
   * does the evaluation date, whoever gives it */
  if (*asof != TIER_NONE && (*asof < DATE_MIN || *asof > DATE_MAX)) {
    snprintf(vm->err, sizeof vm->err, "%s", _("the evaluation date is not a date between 0001-01-01 and 9999-12-31"));
    return TIER_EUSAGE;
  }
  if (*asof != TIER_NONE) return TIER_OK;
  if (rs->review_entry == UINT32_MAX) {
    *asof = date_today_utc();
    return TIER_OK;
  }
  vm->steps++;
  int rc = vm_run(vm, rs->review_entry, r, TIER_NONE, asof);
  if (rc) return rc;
  if (*asof == TIER_NONE) {
    snprintf(vm->err, sizeof vm->err, "%s", _("the review rule gives no date for this record (a date it uses is missing)"));
    return TIER_ERECORD;
  }
  return TIER_OK;
}

/* The tier grant k gives the record at asof (applied once its tier is
 * earned: eval_round) into ev->grant_tier[k]: a tier's grant of the
 * record's type when its condition holds; a tier value's grant the value
 * its code gives, when that is a tier of the record's type (the readers
 * give a record tier values of its own type only; anything else, which
 * only a hand-made file computes, grants nothing). */
static int eval_grant(struct tier_vm *vm, const struct record *r, uint32_t k) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  uint32_t t = img->grants[k].tier;
  ev->grant_tier[k] = -1;
  if (t != NO_STR && (int)img->tiers[t].ptype != ev->ptype) return TIER_OK;
  int64_t v = t == NO_STR ? TIER_NONE : 1;
  vm->steps++;
  int rc = rs->grant_entry[k] == UINT32_MAX ? TIER_OK : round_run(vm, rs->grant_entry[k], r, ev->asof, &v);
  if (rc) return rc;
  if (t != NO_STR && v == 1) ev->grant_tier[k] = (int32_t)t;
  else if (t == NO_STR && v >= 0 && (uint64_t)v < img->ntiers && (int)img->tiers[v].ptype == ev->ptype)
    ev->grant_tier[k] = (int32_t)v;
  return TIER_OK;
}

/* Today: every requirement of the partner's tiers [first, end) of
 * rs->ladder and of every badge, whether each tier's requirements hold
 * (ev->rules_ok) and each badge's (ev->badge_held, before its clause), and
 * the registers as they are at asof (explain and the gap read them). */
static int eval_today(struct tier_vm *vm, const struct record *r, uint32_t first, uint32_t end) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  int rc = run_metrics(vm, r, ev->asof);
  if (rc) return rc;
  memset(ev->met, 0, sizeof(bool) * img->nreqs);
  memset(ev->held, 0, sizeof(bool) * img->nitems); /* other partner types' items stay false */
  for (uint32_t b = 0; b < img->ntiers + img->nbadges; b++) ev->time_at[b] = TIER_NONE;
  for (uint32_t i = first; i < end; i++)
    if ((rc = today_block(vm, r, rs->ladder[i], &ev->rules_ok[rs->ladder[i]]))) return rc;
  for (uint32_t b = 0; b < img->nbadges; b++)
    if ((rc = today_block(vm, r, img->ntiers + b, &ev->badge_held[b]))) return rc;
  for (uint32_t k = 0; k < img->ngrants; k++)
    if ((rc = eval_grant(vm, r, k))) return rc;
  memcpy(ev->regs_today, vm->regs, sizeof(int64_t) * img->nmetrics);
  if (rs->num_regs) memcpy(ev->nregs_today, vm->nregs, sizeof(struct num) * img->nmetrics);
  return TIER_OK;
}

/* The tiers' `sustained N months` clauses.  A clause is in question when
 * its tier's requirements and those of the lower tiers hold today; it
 * fails at the latest checkpoint asof - k months (k = 1 .. its months)
 * where they do not all hold (ev->time_at).  The checkpoints are shared: at
 * each, the metric block runs once and the ladder is walked up to the
 * highest tier still in question, so the work is the longest clause's
 * months times one ladder, however many tiers are sustained (walking it per
 * tier was tiers^2 x months). */
static int eval_checkpoints(struct tier_vm *vm, const struct record *r, uint32_t first, uint32_t end) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  uint32_t months = 0, top = first; /* the longest open clause; the ladder's end to walk */
  for (uint32_t i = first; i < end; i++) {
    const struct img_tier *T = &img->tiers[rs->ladder[i]];
    if (T->time == TC_SUSTAINED && ev->time_at[rs->ladder[i]] == TIER_NONE) {
      if (T->time_n > months) months = T->time_n;
      top = i + 1;
    }
  }
  for (uint32_t k = 1; k <= months && top > first; k++) {
    int64_t at = tc_checkpoint(TC_SUSTAINED, months, ev->asof, k);
    int rc = run_metrics(vm, r, at);
    if (rc) return rc;
    bool holds = true; /* the requirements of the tiers walked so far hold at `at` */
    uint32_t open_top = first;
    for (uint32_t i = first; i < top; i++) {
      uint32_t t = rs->ladder[i];
      const struct img_tier *T = &img->tiers[t];
      vm->steps++;
      if (holds && (rc = block_holds_at(vm, r, at, T, &holds))) return rc;
      bool open = T->time == TC_SUSTAINED && ev->time_at[t] == TIER_NONE;
      if (open && k <= T->time_n && !holds) ev->time_at[t] = at;
      else if (open && k < T->time_n) open_top = i + 1; /* still in question next month */
    }
    top = open_top;
  }
  return TIER_OK;
}

/* Where the tiers below hold at a checkpoint: tiers first .. upto - 1 of
 * the ladder hold there, and tier upto does not when `broken`. */
struct prefix {
  uint32_t upto;
  bool broken;
};

/* Does block b hold at checkpoint `at`, as its time clause asks: a badge's
 * items, or a tier's and those of every lower tier of its ladder (whether
 * they are held or not), found for the tiers of a run lowest first by
 * extending *pre, so that each tier is run once a checkpoint. */
static int clause_holds_at(struct tier_vm *vm, const struct record *r, int64_t at, uint32_t b, struct prefix *pre, bool *holds) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  if (b >= img->ntiers) return block_holds_at(vm, r, at, img_block(img, b), holds);
  uint32_t i = rs->ladder_start[img->tiers[b].ptype] + rs->tier_pos[b];
  while (!pre->broken && pre->upto <= i) {
    bool h;
    vm->steps++;
    int rc = block_holds_at(vm, r, at, &img->tiers[rs->ladder[pre->upto]], &h);
    if (rc) return rc;
    if (h) pre->upto++;
    else pre->broken = true;
  }
  *holds = pre->upto > i;
  return TIER_OK;
}

/* The time clause of the blocks of the run from `lead` (rs->clause_next;
 * checkpoint.c), walked once for all of them: `sustained` needs what the
 * clause asks at every checkpoint, `at any checkpoint` at one.  A block
 * still in question has time_at CLAUSE_PENDING (the evaluation date did
 * not decide it).  The checkpoints are tried from the latest back, the
 * metric block run once at each, until each block is decided: time_at
 * gets the checkpoint (sustained: the latest failing one; at any: the
 * latest holding one; TIER_NONE when none decides).  Each block ends
 * where a walk of its own would end; n blocks of one clause cost the
 * checkpoints once, not n times (walked one by one, n blocks over m
 * metrics cost n x m a checkpoint).  `first` is the record's ladder. */
#define CLAUSE_PENDING INT64_MAX
static int shared_clause(struct tier_vm *vm, const struct record *r, uint32_t lead, uint32_t first) {
  const struct tier_ruleset *rs = vm->rs;
  struct eval *ev = &vm->ev;
  const struct img_tier *blk = img_block(rs->img, lead);
  bool every = blk->time == TC_SUSTAINED;
  uint32_t pending = 0;
  for (uint32_t b = lead; b != NO_ITEM; b = rs->clause_next[b]) pending += ev->time_at[b] == CLAUSE_PENDING;
  for (uint32_t k = 1; pending; k++) {
    int64_t at = tc_checkpoint(blk->time, blk->time_n, ev->asof, k);
    struct prefix pre = {first, false};
    int rc;
    if (at != TIER_NONE && (rc = run_metrics(vm, r, at))) return rc;
    for (uint32_t b = lead; b != NO_ITEM; b = rs->clause_next[b]) {
      bool holds = false;
      if (ev->time_at[b] != CLAUSE_PENDING) continue;
      if (at != TIER_NONE && (rc = clause_holds_at(vm, r, at, b, &pre, &holds))) return rc;
      if (at != TIER_NONE && holds == every) continue;
      ev->time_at[b] = at;
      pending--;
    }
  }
  return TIER_OK;
}

/* Block b's time clause as the evaluation date leaves it (`today`: what
 * the clause asks holds there): decided there, or in question. */
static void clause_today(struct eval *ev, uint32_t b, const struct img_tier *blk, bool today) {
  bool every = blk->time == TC_SUSTAINED;
  ev->time_at[b] = today == every && ev->asof != TIER_NONE ? CLAUSE_PENDING : ev->asof;
}

/* The badges, each on its own: its items at the evaluation date
 * (eval_today), then its time clause, walked with the other badges of the
 * same clause. */
static int eval_badges(struct tier_vm *vm, const struct record *r) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  uint32_t nt = img->ntiers;
  for (uint32_t b = 0; b < img->nbadges; b++) {
    if (img->badges[b].time != TC_NONE) clause_today(ev, nt + b, &img->badges[b], ev->badge_held[b]);
    vm->steps++;
  }
  for (uint32_t b = 0; b < img->nbadges; b++) {
    const struct img_tier *blk = &img->badges[b];
    int rc;
    if (rs->clause_first[nt + b] && (rc = shared_clause(vm, r, nt + b, 0))) return rc;
    bool every = blk->time == TC_SUSTAINED;
    if (blk->time != TC_NONE) ev->badge_held[b] = ev->time_at[nt + b] == TIER_NONE ? every : !every;
  }
  return TIER_OK;
}

/* One round of an evaluation (vm_evaluate): every requirement of every
 * tier of the record's type ([first, end) of rs->ladder) and of every badge
 * at the evaluation date, the time clauses' checkpoints, the tier held
 * (cumulative: a tier is held when every lower tier is and its own
 * requirements, or its time clause, hold) and the badges held (each on its
 * own). */
static int eval_round(struct tier_vm *vm, const struct record *r, uint32_t first, uint32_t end) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  int rc;
  ev->tier = ev->next = -1;
  if ((rc = eval_today(vm, r, first, end))) return rc;
  /* the clauses: sustained ones that fail today say so, the others are
   * decided by their checkpoints (a clause looks at the requirements of its
   * tier and the lower ones, whether the lower tiers are held or not) */
  bool rules_below = true; /* the requirements of this tier and the lower ones hold today */
  for (uint32_t i = first; i < end; i++) {
    uint32_t t = rs->ladder[i];
    const struct img_tier *T = &img->tiers[t];
    rules_below = ev->rules_ok[t] && rules_below;
    if (T->time == TC_SUSTAINED && !rules_below) ev->time_at[t] = ev->asof;
    else if (T->time != TC_NONE && T->time != TC_SUSTAINED) clause_today(ev, t, T, rules_below);
  }
  for (uint32_t i = first; i < end; i++)
    if (rs->clause_first[rs->ladder[i]] && (rc = shared_clause(vm, r, rs->ladder[i], first))) return rc;
  vm->steps += end - first;
  if ((rc = eval_checkpoints(vm, r, first, end))) return rc;
  /* the ladder */
  bool all_below = true;
  for (uint32_t i = first; i < end; i++) {
    uint32_t t = rs->ladder[i];
    const struct img_tier *T = &img->tiers[t];
    bool ok = T->time == TC_NONE  ? ev->rules_ok[t] /* (met is today's still) */
        : T->time == TC_SUSTAINED ? ev->time_at[t] == TIER_NONE
                                  : ev->time_at[t] != TIER_NONE;
    ok = ok && all_below;
    if (ok && ev->next < 0) ev->tier = (int)t;
    else if (ev->next < 0) ev->next = (int)t;
    all_below = all_below && ok;
  }
  vm->steps += end - first;
  /* the grants (SPEC 3.5): the higher of the earned tier and the granted
   * ones; next is the tier above it */
  ev->granted = false;
  for (uint32_t k = 0; k < img->ngrants; k++) {
    int32_t t = ev->grant_tier[k];
    if (t < 0 || (ev->tier >= 0 && rs->tier_pos[t] <= rs->tier_pos[ev->tier])) continue;
    ev->tier = (int)t;
    ev->granted = true;
  }
  if (ev->granted) {
    uint32_t i = first + rs->tier_pos[ev->tier] + 1;
    ev->next = i < end ? (int)rs->ladder[i] : -1;
  }
  return eval_badges(vm, r);
}

/* Keep a round's outcome of every block for HOLDS and MEETS to read in the
 * next: a block meets when its own items hold; a tier holds when the
 * record's tier is it or a higher one of its ladder, a badge when held.
 * Tiers of other partner types neither hold nor meet (they stay false). */
static void keep_outcomes(struct tier_vm *vm, uint32_t first, uint32_t end) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  for (uint32_t i = first; i < end; i++) {
    uint32_t t = rs->ladder[i];
    ev->ref_meets[t] = block_holds(img, &img->tiers[t], ev->met, ev->held);
    ev->ref_holds[t] = ev->tier >= 0 && rs->tier_pos[t] <= rs->tier_pos[ev->tier];
  }
  for (uint32_t b = img->ntiers; b < img->ntiers + img->nbadges; b++) {
    ev->ref_meets[b] = block_holds(img, img_block(img, b), ev->met, ev->held);
    ev->ref_holds[b] = ev->badge_held[b - img->ntiers];
  }
  vm->steps += img->ntiers + img->nbadges;
}

/* Evaluate a bound record: its evaluation date, then img->rounds rounds
 * (eval_round).  HOLDS and MEETS read the previous round's outcomes (none
 * in the first), so after round k every block whose references chain at
 * most k deep is right; the verifier makes rounds 1 + the longest chain,
 * and the last round is the result (and the only one whose runtime errors
 * are the record's: round_run). */
int vm_evaluate(struct tier_vm *vm, const struct record *r, int64_t asof_override) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  struct eval *ev = &vm->ev;
  int rc = vm_prepare(vm, r);
  if (rc) { snprintf(vm->err, sizeof vm->err, "%s", _("out of memory")); return rc; }
  vm->path[0] = 0;
  if (++vm->trace_stamp == 0) { /* the stamps wrapped: forget them all */
    memset(vm->trace_at, 0, sizeof(uint32_t) * img->nreqs);
    memset(vm->gap, 0, sizeof *vm->gap * rs->ngap);
    vm->trace_stamp = 1;
  }
  ev->ptype = img->partner_field >= 0 ? (int)r->top[img->fields[img->partner_field].slot] : -1;
  ev->tier = ev->next = -1;
  if ((rc = eval_date(vm, r, asof_override, &ev->asof))) return rc;
  /* a partner type with no tiers (or a ruleset of badges only) has an empty run */
  uint32_t first = 0, end = 0;
  if (ev->ptype >= 0 && (uint32_t)ev->ptype < rs->ntypes) first = rs->ladder_start[ev->ptype], end = rs->ladder_start[ev->ptype + 1];
  memset(ev->ref_holds, 0, sizeof(bool) * (img->ntiers + img->nbadges));
  memset(ev->ref_meets, 0, sizeof(bool) * (img->ntiers + img->nbadges));
  for (uint32_t round = 1;; round++) {
    ev->provisional = round < img->rounds;
    if ((rc = eval_round(vm, r, first, end)) || !ev->provisional) break;
    keep_outcomes(vm, first, end);
  }
  ev->provisional = false; /* the runs explain makes afterwards are the record's */
  return rc;
}

/* ---- values as text ----------------------------------------------------------------------- */

const char *vm_value_text(const struct tier_ruleset *rs, const struct record *r, int kind, uint16_t ref, int64_t v,
                          char *buf, size_t n) {
  if (kind != TY_TEXT || v == TIER_NONE) return img_value_text(rs->img, kind, ref, v, buf, n);
  const char *p;
  uint32_t l;
  if (vm_text_of(rs, r, v, &p, &l)) snprintf(buf, n, "%.*s", (int)l, p);
  else snprintf(buf, n, "?");
  return buf;
}
