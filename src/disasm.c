/*
 * disasm.c - one table-driven disassembler for .tbc files: every section
 * readable, constants and names resolved, jump targets absolute, and the
 * rule (with its source line) above the code of each requirement.
 */
#include <stdio.h>
#include <string.h>

#include "meaning.h"
#include "period.h"

static const char *kind_text(const struct image *img, int kind, int ref, bool opt, char *buf, size_t n) {
  if (kind == TY_ENUM && ref < (int)img->nenums) snprintf(buf, n, "%s%s", img_str(img, img->enums[ref].name), opt ? "?" : "");
  else snprintf(buf, n, "%s%s", ty_kind_name(kind), opt ? "?" : "");
  return buf;
}

/* The const of the rules that constant k is, or NULL: a binary search, the
 * table ascends by constant (verified). */
static const char *const_name(const struct image *img, uint32_t k) {
  uint32_t lo = 0, hi = img->nnamed;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (img->named[mid].konst == k) return img_str(img, img->named[mid].name);
    if (img->named[mid].konst < k) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* Constant k: its type and value, and the const it is, if any. */
static void const_text(const struct image *img, uint32_t k, struct buf *b) {
  const struct img_const *c = &img->consts[k];
  const char *name = const_name(img, k);
  if (c->kind == TY_TEXT) {
    out_json_str(b, img->strs[c->v], img->strlens[c->v]);
  } else {
    char v[NUM_TEXT];
    if (c->kind == TY_ENUM) snprintf(v, sizeof v, "%lld", (long long)c->v);
    else img_const_text(img, c, 0, v, sizeof v);
    buf_printf(b, "%s %s", ty_kind_name(c->kind), v);
  }
  if (name) buf_printf(b, "  (const %s)", name);
}

/* Names of item fields by (list, slot), and which requirement starts at
 * each offset: built once, so that the listing is linear in the file. */
struct dis_index {
  const struct tier_alloc_hook *hook;
  uint32_t *item_base;   /* per list: where its slots start in item_field */
  uint32_t *item_field;  /* field index + 1, 0 for none */
  uint32_t nitem;
  uint32_t *req_at;      /* per code offset: requirement index + 1, nreqs + that for
                            its explain code, 0 for none */
  uint32_t *req_tier;    /* per requirement: its block (a tier, or a badge after the tiers) */
};

static bool dis_index_build(struct dis_index *x, const struct image *img, const struct tier_alloc_hook *h) {
  memset(x, 0, sizeof *x);
  x->hook = h;
  for (uint32_t l = 0; l < img->nlists; l++) x->nitem += img->lists[l].width;
  x->item_base = t_malloc(h, sizeof(uint32_t) * (img->nlists + 1));
  x->item_field = t_malloc(h, sizeof(uint32_t) * (x->nitem + 1));
  x->req_at = t_malloc(h, sizeof(uint32_t) * ((size_t)img->codelen + 1));
  x->req_tier = t_malloc(h, sizeof(uint32_t) * (img->nreqs + 1));
  if (!x->item_base || !x->item_field || !x->req_at || !x->req_tier) return false;
  memset(x->item_field, 0, sizeof(uint32_t) * (x->nitem + 1));
  memset(x->req_at, 0, sizeof(uint32_t) * ((size_t)img->codelen + 1));
  for (uint32_t l = 0, at = 0; l < img->nlists; at += img->lists[l++].width) x->item_base[l] = at;
  for (uint32_t f = 0; f < img->nfields; f++)
    if (img->fields[f].owner != NO_LIST) x->item_field[x->item_base[img->fields[f].owner] + img->fields[f].slot] = f + 1;
  for (uint32_t t = 0; t < img->ntiers + img->nbadges; t++) {
    const struct img_tier *T = img_block(img, t);
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) x->req_tier[q] = t;
  }
  for (uint32_t q = 0; q < img->nreqs; q++) {
    x->req_at[img->reqs[q].code] = q + 1;
    if (img->reqs[q].xcode != NO_STR) x->req_at[img->reqs[q].xcode] = img->nreqs + q + 1;
  }
  return true;
}

static void dis_index_free(struct dis_index *x, const struct image *img) {
  t_free(x->hook, x->item_base, sizeof(uint32_t) * (img->nlists + 1));
  t_free(x->hook, x->item_field, sizeof(uint32_t) * (x->nitem + 1));
  t_free(x->hook, x->req_at, sizeof(uint32_t) * ((size_t)img->codelen + 1));
  t_free(x->hook, x->req_tier, sizeof(uint32_t) * (img->nreqs + 1));
}

static const char *item_name(const struct image *img, const struct dis_index *x, int list, uint32_t slot) {
  if (list < 0 || slot >= img->lists[list].width) return "?";
  uint32_t f = x->item_field[x->item_base[list] + slot];
  return f ? img_str(img, img->fields[f - 1].name) : "?";
}

static uint32_t rd32(const uint8_t *q) {
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* The longest opcode name, plus one: the column the operands start in. */
static int name_width(void) {
  size_t w = 0;
  for (int i = 0; i < OP__COUNT; i++)
    if (strlen(op_info[i].name) > w) w = strlen(op_info[i].name);
  return (int)w + 1;
}

/* A block's time clause, after its header. */
static void dis_time(const struct img_tier *T, struct buf *b) {
  char t[80];
  if (T->time != TC_NONE) buf_printf(b, " %s", tc_text(T->time, T->time_n, t, sizeof t));
}

/* The badges, and the item tree of every tier and badge: each item with
 * its kind, what it holds and, for a group, its children. */
static void dis_ladder(const struct image *img, struct buf *b) {
  buf_printf(b, "\n; badges: %u\n", img->nbadges);
  for (uint32_t k = 0; k < img->nbadges; k++) {
    const struct img_tier *T = &img->badges[k];
    buf_printf(b, "badge %u %s", k, img_str(img, T->name));
    if (T->display != NO_STR) buf_printf(b, " \"%s\"", img_str(img, T->display));
    if (img->has_debug) buf_printf(b, " (%s:%u)", img_str(img, T->file), T->line);
    dis_time(T, b);
    buf_printf(b, ": requirements r%u..+%u\n", T->first_req, T->nreq);
  }
  buf_printf(b, "\n; items: %u\n", img->nitems);
  for (uint32_t t = 0; t < img->ntiers + img->nbadges; t++) {
    const struct img_tier *T = img_block(img, t);
    buf_printf(b, "%s %s: items i%u..+%u\n", t < img->ntiers ? "tier" : "badge", img_str(img, T->name), T->first_item,
               T->nitems);
  }
  for (uint32_t i = 0; i < img->nitems; i++) {
    const struct img_item *it = &img->items[i];
    buf_printf(b, "i%-4u ", i);
    switch (it->kind) {
    case IT_LEAF: buf_printf(b, "requirement r%u", it->first); break;
    case IT_EITHER: buf_printf(b, "either of i%u..+%u", it->first, it->count); break;
    case IT_BRANCH:
      buf_printf(b, "branch ");
      if (it->label != NO_STR) out_json_str(b, img_str(img, it->label), img->strlens[it->label]);
      else buf_printf(b, "(unnamed)");
      buf_printf(b, " of i%u..+%u", it->first, it->count);
      break;
    default: buf_printf(b, "at least %u of i%u..+%u", it->n, it->first, it->count);
    }
    if (it->section != NO_STR) buf_printf(b, "  [%s]", img_str(img, it->section));
    buf_u8(b, '\n');
  }
}

static const char *ptype_name(const struct image *img, uint32_t t) {
  if (img->partner_field < 0) return "?";
  return img_str(img, img->enums[img->fields[img->partner_field].ref].vals[img->tiers[t].ptype]);
}

/* The block order, when tier references make it differ from the blocks'
 * own (tiers, then badges), and the rounds a record is evaluated in. */
static void dis_order(const struct image *img, struct buf *b) {
  uint32_t nb = img->ntiers + img->nbadges, k = 0;
  while (k < nb && img->order[k] == k) k++;
  if (k == nb && img->rounds <= 1) return;
  buf_printf(b, "order    ");
  for (k = 0; k < nb; k++) buf_printf(b, " %s", img_str(img, img_block(img, img->order[k])->name));
  buf_printf(b, " (%u rounds: tier references)\n", img->rounds);
}

/* What grant k gives: its tier ("TYPE TIER" when typed), or "the value of
 * EXPR" (a tier value). */
static void grant_what(const struct image *img, uint32_t k, bool typed, struct buf *b) {
  uint32_t t = img->grants[k].tier;
  if (t == NO_STR) buf_printf(b, "the value of %s", img_str(img, img->grants[k].value));
  else if (typed) buf_printf(b, "%s %s", ptype_name(img, t), img_str(img, img->tiers[t].name));
  else buf_printf(b, "%s", img_str(img, img->tiers[t].name));
}

/* The grants: what each gives and its condition. */
static void dis_grants(const struct image *img, struct buf *b) {
  for (uint32_t k = 0; k < img->ngrants; k++) {
    buf_printf(b, "grant     ");
    grant_what(img, k, true, b);
    if (img->grants[k].text != NO_STR) buf_printf(b, " when %s", img_str(img, img->grants[k].text));
    buf_printf(b, "\n");
  }
}

/* The cost bound as the loader has it (vm_record_cost): the file's, plus
 * gap, what the gap's searches may take, named when there is any. */
static void dis_cost(const struct image *img, uint64_t gap, struct buf *b) {
  char ln[LIST_NAME_MAX];
  uint64_t base = img->cost_base > UINT64_MAX - gap ? UINT64_MAX : img->cost_base + gap;
  buf_printf(b, "\ncost      %llu", (unsigned long long)base);
  for (uint32_t l = 0; l < img->nlists; l++)
    buf_printf(b, " + %llu x len(%s)", (unsigned long long)img->cost_per[l], img_list_name(img, l, ln, sizeof ln));
  buf_printf(b, " steps at most");
  if (gap)
    buf_printf(b, " (the file's %llu, and %llu for the smallest change's searches)", (unsigned long long)img->cost_base,
               (unsigned long long)gap);
}

static void dis_header(const struct image *img, uint64_t gap, const char *what, struct buf *b) {
  buf_printf(b, "; %s: tierc bytecode, format %u%s%s\n", what, img->fmt_version,
             img->has_debug ? ", with debug section" : ", stripped", img->signed_ ? ", signed" : "");
  buf_printf(b, "ruleset   ");
  if (img->name == NO_STR) buf_printf(b, "-");
  else out_json_str(b, img_str(img, img->name), strlen(img_str(img, img->name)));
  if (img->version != NO_STR) {
    buf_printf(b, " version ");
    out_json_str(b, img_str(img, img->version), strlen(img_str(img, img->version)));
  }
  buf_printf(b, "\nsource    %s\nhash      ", img->src_name == NO_STR ? "-" : img_str(img, img->src_name));
  for (int i = 0; i < 32; i++) buf_printf(b, "%02x", img->src_hash[i]);
  buf_printf(b, " (of the source text)\nrules     ");
  struct meaning *m = mn_build(img, img->ar.hook, false);
  uint8_t h[32];
  if (m) mn_hash(m, h);
  for (int i = 0; m && i < 32; i++) buf_printf(b, "%02x", h[i]);
  buf_printf(b, "%s", m ? " (of what the rules mean: results carry it as rules_hash)" : "(out of memory)");
  mn_free(m);
  char d[11];
  date_format(img->effective, d);
  buf_printf(b, "\neffective %s", img->effective == TIER_NONE ? "-" : d);
  if (img->fiscal) buf_printf(b, "\nfiscal    the year starts in %s", month_name((int)img->fiscal));
  dis_cost(img, gap, b);
  buf_printf(b, "\nstack     %u slots\n", img->max_stack);
  dis_order(img, b);
  dis_grants(img, b);
}

/* The end of a field's line: its JSON key when it is not its name. */
static void key_text(const struct image *img, const struct img_field *f, struct buf *b) {
  if (f->key != f->name && strcmp(img_str(img, f->key), img_str(img, f->name)) != 0) {
    buf_printf(b, "  key ");
    out_json_str(b, img->strs[f->key], img->strlens[f->key]);
  }
  buf_u8(b, '\n');
}

/* The item fields of list l, indented one step per level of nesting, each
 * inner list followed by its own items. */
static void dis_items(const struct image *img, const struct dis_index *x, uint32_t l, struct buf *b) {
  char t1[96];
  int indent = 2 * img->lists[l].depth;
  for (uint32_t s = 0; s < img->lists[l].width; s++) {
    const struct img_field *G = &img->fields[x->item_field[x->item_base[l] + s] - 1];
    buf_printf(b, "         %*sitem %-3u %-*s %s", indent, "", G->slot, 17 - indent, img_str(img, G->name),
               G->kind == TY_LIST ? "list" : kind_text(img, G->kind, G->ref, G->flags & FF_OPT, t1, sizeof t1));
    key_text(img, G, b);
    if (G->kind == TY_LIST) dis_items(img, x, G->ref, b);
  }
}

static void dis_schema(const struct image *img, const struct dis_index *x, struct buf *b) {
  char t1[96];
  buf_printf(b, "\n; schema: %u enums, %u fields, %u lists\n", img->nenums, img->nfields, img->nlists);
  for (uint32_t e = 0; e < img->nenums; e++) {
    buf_printf(b, "enum %s {", img_str(img, img->enums[e].name));
    for (uint32_t v = 0; v < img->enums[e].nvals; v++) buf_printf(b, "%s %u=%s", v ? "," : "", v, img_str(img, img->enums[e].vals[v]));
    buf_printf(b, " }\n");
  }
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner != NO_LIST) continue;
    buf_printf(b, "field  slot %-3u %-20s %s%s", F->slot, img_str(img, F->name),
               F->kind == TY_LIST ? "list" : kind_text(img, F->kind, F->ref, F->flags & FF_OPT, t1, sizeof t1),
               F->flags & FF_PARTNER ? "  (partner type)" : "");
    key_text(img, F, b);
    if (F->kind == TY_LIST) dis_items(img, x, F->ref, b);
  }
}

static void dis_values(const struct image *img, struct buf *b) {
  char t1[96];
  buf_printf(b, "\n; constants: %u", img->nconsts);
  if (img->nnamed) buf_printf(b, " (%u of them consts of the rules)", img->nnamed);
  buf_u8(b, '\n');
  for (uint32_t k = 0; k < img->nconsts; k++) {
    buf_printf(b, "k%-4u ", k);
    const_text(img, k, b);
    buf_u8(b, '\n');
  }
  buf_printf(b, "\n; registers (record metrics, then item-metric temporaries): %u\n", img->nmetrics);
  for (uint32_t m = 0; m < img->nmetrics; m++) {
    buf_printf(b, "m%-4u %-28s %s", m, img_str(img, img->metrics[m].name),
               kind_text(img, img->metrics[m].kind, img->metrics[m].ref, img->metrics[m].opt, t1, sizeof t1));
    if (img->metrics[m].label != NO_STR) {
      buf_put(b, "  ", 2);
      out_json_str(b, img_str(img, img->metrics[m].label), img->strlens[img->metrics[m].label]);
    }
    buf_u8(b, '\n');
  }
}

/* A requirement's explain code: where, its computed threshold, how many
 * comparisons it traces besides, and the formula calls whose values it
 * traces, by their texts. */
static void dis_explain(const struct image *img, const struct img_req *R, struct buf *b) {
  buf_printf(b, "   [explain @%04u", R->xcode);
  uint32_t calls = 0;
  for (uint32_t k = R->xfirst; k < R->xfirst + R->xn; k++) calls += img->traces[k].call != NO_STR;
  uint32_t others = R->xn - calls;
  const char *sep = ": ";
  if (R->xvalue != NO_STR) {
    buf_printf(b, ": %s %s %s", img_str(img, R->xvalue), cmp_text(R->xcmp),
               R->xthreshold == NO_STR ? "(constant)" : img_str(img, R->xthreshold));
    others--;
    sep = "; ";
  }
  if (others) {
    buf_printf(b, "%s%u comparison%s traced", sep, others, others == 1 ? "" : "s");
    sep = "; ";
  }
  for (uint32_t k = R->xfirst; k < R->xfirst + R->xn; k++) {
    const struct img_trace *t = &img->traces[k];
    if (t->call == NO_STR) continue;
    buf_printf(b, "%scall %s", sep, img_str(img, t->call));
    sep = ", ";
  }
  buf_u8(b, ']');
}

static void dis_tiers(const struct image *img, struct buf *b) {
  buf_printf(b, "\n; tiers: %u, requirements: %u\n", img->ntiers, img->nreqs);
  for (uint32_t t = 0; t < img->ntiers; t++) {
    const struct img_tier *T = &img->tiers[t];
    buf_printf(b, "tier %u %s %s", t, ptype_name(img, t), img_str(img, T->name));
    if (img->has_debug) buf_printf(b, " (%s:%u)", img_str(img, T->file), T->line);
    dis_time(T, b);
    buf_printf(b, ": %u requirement%s\n", T->nreq, T->nreq == 1 ? "" : "s");
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
      const struct img_req *R = &img->reqs[q];
      buf_printf(b, "  r%-4u @%04u  %s%s%s", q, R->code, R->section == NO_STR ? "" : img_str(img, R->section),
                 R->section == NO_STR ? "" : ": ", img_str(img, R->rule));
      if (R->metric >= 0 || R->field >= 0) {
        if (R->metric >= 0) buf_printf(b, "   [m%d %s ", R->metric, cmp_text(R->cmp));
        else buf_printf(b, "   [%s %s ", img_str(img, img->fields[img_top_field(img, (uint32_t)R->field)].name), cmp_text(R->cmp));
        const_text(img, R->konst, b);
        buf_u8(b, ']');
      }
      if (R->xcode != NO_STR) dis_explain(img, R, b);
      buf_u8(b, '\n');
    }
  }
}

/* One instruction: offset, name, operands resolved to what they name. */
static void dis_insn(const struct image *img, const struct dis_index *x, uint32_t pc, int *loop, struct buf *b) {
  const struct opinfo *oi = &op_info[img->code[pc]];
  uint32_t a = oi->fmt != N0 ? rd32(img->code + pc + 1) : 0, bb = op_noperands(oi->fmt) > 1 ? rd32(img->code + pc + 5) : 0;
  if (oi->fmt == N0) buf_printf(b, "  %04u  %s", pc, oi->name);
  else buf_printf(b, "  %04u  %-*s", pc, name_width(), oi->name);
  switch (oi->fmt) {
  case K: buf_printf(b, "k%-6u ; ", a); const_text(img, a, b); break;
  case FLD: buf_printf(b, "%-7u ; %s", a, img_str(img, img->fields[img_top_field(img, a)].name)); break;
  case ITM: buf_printf(b, "%-7u ; %s", a, item_name(img, x, *loop, a)); break;
  case MET: buf_printf(b, "m%-6u ; %s", a, img_str(img, img->metrics[a].name)); break;
  case SET: buf_printf(b, "s%u", a); break;
  case BUF: buf_printf(b, "b%u", a); break;
  case TRC: buf_printf(b, "t%u", a); break;
  case K_JMP: buf_printf(b, "k%-6u -> %04u ; ", a, bb); const_text(img, a, b); break;
  case MET_JMP: buf_printf(b, "m%-6u -> %04u ; %s", a, bb, img_str(img, img->metrics[a].name)); break;
  case MON: buf_printf(b, "%-7d ; months", (int32_t)a); break;
  case DAY: buf_printf(b, "%-7d ; days", (int32_t)a); break;
  case DIG: buf_printf(b, "%-7d ; decimals", (int32_t)a); break;
  case PER: {
    struct period p;
    char t[64];
    per_decode(a, &p); /* verified */
    per_text(p, t, sizeof t);
    buf_printf(b, "0x%-5x ; %s", a, t);
    break;
  }
  case BLK: buf_printf(b, "b%-6u ; %s %s", a, a < img->ntiers ? "tier" : "badge", img_str(img, img_block(img, a)->name)); break;
  case JMP: buf_printf(b, "-> %04u", a); break;
  case LST_JMP: case LST_BACK: {
    char ln[LIST_NAME_MAX];
    /* loops nest as their lists do (verified): after an inner loop's NEXT,
     * ITEM reads the parent's item again */
    *loop = oi->fmt == LST_JMP ? (int)a : img->lists[a].parent == NO_LIST ? -1 : (int)img->lists[a].parent;
    buf_printf(b, "%s, %s -> %04u", img_list_name(img, a, ln, sizeof ln), oi->fmt == LST_JMP ? "empty" : "more", bb);
    break;
  }
  }
  buf_u8(b, '\n');
}

static void dis_code(const struct image *img, const struct dis_index *x, struct buf *b) {
  buf_printf(b, "\n; code: %u bytes\n", img->codelen);
  int loop = -1;
  uint32_t gk = 0; /* the next grant whose condition's code may start here (written in order) */
  for (uint32_t pc = 0; pc < img->codelen; pc += op_size(img->code[pc])) {
    while (gk < img->ngrants && img->grants[gk].code == NO_STR) gk++;
    if (gk < img->ngrants && pc == img->grants[gk].code) {
      buf_printf(b, "grant g%u (", gk);
      grant_what(img, gk, false, b);
      if (img->grants[gk].text == NO_STR) buf_printf(b, "):\n");
      else buf_printf(b, "): when %s\n", img_str(img, img->grants[gk].text));
    }
    if (gk < img->ngrants && pc >= img->grants[gk].code) gk++;
    if (pc == img->review_code) buf_printf(b, "review rule:\n");
    if (pc == img->metric_code) buf_printf(b, "metric block:\n");
    if (x->req_at[pc] > img->nreqs) {
      buf_printf(b, "explain code of requirement r%u:\n", x->req_at[pc] - img->nreqs - 1);
    } else if (x->req_at[pc]) {
      uint32_t q = x->req_at[pc] - 1, t = x->req_tier[q];
      if (t < img->ntiers) buf_printf(b, "requirement r%u (%s %s)", q, ptype_name(img, t), img_str(img, img->tiers[t].name));
      else buf_printf(b, "requirement r%u (badge %s)", q, img_str(img, img_block(img, t)->name));
      if (img->has_debug) buf_printf(b, " %s:%u", img_str(img, img->reqs[q].file), img->reqs[q].line);
      buf_printf(b, ": %s", img_str(img, img->reqs[q].rule));
      const struct img_req *r = &img->reqs[q];
      if (img->has_debug && r->tline && (r->tfile != r->file || r->tline != r->line)) /* an argument's */
        buf_printf(b, "  ; threshold written at %s:%u:%u", img_str(img, r->tfile), r->tline, r->tcol);
      buf_u8(b, '\n');
    }
    dis_insn(img, x, pc, &loop, b);
  }
}

/* The listing of a verified image: header, schema, constants and registers,
 * tiers, then the code with each segment named. */
void dis_image(const struct image *img, uint64_t gap, const char *what, struct buf *b) {
  struct dis_index x;
  if (!dis_index_build(&x, img, b->hook)) {
    b->failed = true;
    dis_index_free(&x, img);
    return;
  }
  dis_header(img, gap, what, b);
  dis_schema(img, &x, b);
  dis_values(img, b);
  dis_tiers(img, b);
  dis_ladder(img, b);
  dis_code(img, &x, b);
  dis_index_free(&x, img);
}

/* The opcode list itself, for `tierc disasm --opcodes`: each opcode's
 * operands and its stack effect as classes (popped -> pushed). */
void dis_opcodes(struct buf *b) {
  static const char *fmts[] = {"", "const", "field", "item", "metric", "months", "days", "target", "list,end", "list,body", "set", "const,target", "metric,target", "digits", "period", "buffer", "block", "trace"};
  _Static_assert(sizeof fmts / sizeof fmts[0] == TRC + 1, "one name per operand format (enum opnd)");
  buf_printf(b, "%-4s %-*s %-13s %-7s %-3s %s\n", "code", name_width(), "name", "operands", "stack", "reg", "meaning");
  for (int i = 0; i < OP__COUNT; i++) {
    const struct opinfo *oi = &op_info[i];
    char stack[16];
    snprintf(stack, sizeof stack, "%s->%c", oi->in, oi->out == '-' ? ' ' : oi->out);
    buf_printf(b, "%-4d %-*s %-13s %-7s %-3c %s\n", i, name_width(), oi->name, fmts[oi->fmt], stack, oi->reg == '-' ? ' ' : oi->reg,
               oi->doc);
  }
  buf_printf(b, "\nclasses: I integer, money or enum; B bool; D date; F number; S text; X one of I, B, D\n"
                "(the same for all X of one instruction); A any; K, R, M the class of the constant,\n"
                "field or register named; reg: the class the register must have (= the popped value's)\n");
}
