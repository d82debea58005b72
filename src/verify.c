/*
 * verify.c - the mandatory verifier.  Every image read from bytes passes
 * here before anything runs it, as libpcap validates a BPF program before
 * installing it.  It checks that every index names something that exists,
 * every string is UTF-8, the schema is consistent, and that the code of
 * every segment:
 *   - decodes into whole instructions with known opcodes;
 *   - jumps only forward, to instruction boundaries inside the segment,
 *     except NEXT, which goes back to the start of its own loop's body;
 *   - has loops that do not nest and are entered only through LOOP;
 *   - keeps the stack depth and the class of every slot (I/F/S) consistent
 *     on every path, within a bounded depth;
 *   - ends in RET with one value (rules) or END with none (metric block).
 * It also recomputes the cost bound and rejects a file that claims less.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tier_int.h"

#define MAX_STACK 256

struct vfy {
  struct image *img;
  char *err;
  size_t errlen;
  bool bad;
  uint8_t *boundary;     /* 1 at the start of each instruction */
  uint8_t *reached;      /* 1 once a segment's check has passed the instruction */
  char *top_class;       /* class of each top-level slot, 0 if none */
  char **item_class;     /* per list, class of each item slot */
  /* states recorded at forward-jump targets of the current segment */
  struct pend { uint32_t pc; uint16_t depth; char cls[MAX_STACK]; } *pend;
  uint32_t npend, cappend;
  uint64_t cost_base, *cost_per; /* instructions counted by check_segment */
};

static int fail(struct vfy *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vfy *v, const char *fmt, ...) {
  if (!v->bad) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, v->errlen, fmt, ap);
    va_end(ap);
  }
  v->bad = true;
  return -1;
}

static bool str_ok(const struct image *img, uint32_t s, bool optional) {
  return s < img->nstrs || (optional && s == NO_STR);
}

static char kind_class(int kind) {
  switch (kind) {
  case TY_NUMBER: return 'F';
  case TY_TEXT: return 'S';
  case TY_INT: case TY_MONEY: case TY_BOOL: case TY_DATE: case TY_ENUM: return 'I';
  default: return 0;
  }
}

/* An instruction that pushes a constant, record slot or register pushes
 * its class; numbers move only with the _F instructions (their values live
 * beside the 64-bit stack), every other class only with the plain ones. */
static int pushed_class(struct vfy *v, uint32_t pc, const struct opinfo *oi, char cls, char *out) {
  if ((oi->out == 'F') != (cls == 'F'))
    return fail(v, "code at offset %u: %s cannot push a value of class %c", pc, oi->name, cls);
  *out = cls;
  return 0;
}

static int check_tables(struct vfy *v) {
  struct image *img = v->img;
  for (uint32_t i = 0; i < img->nstrs; i++) {
    size_t bad;
    if (!utf8_valid(img->strs[i], img->strlens[i], &bad))
      return fail(v, "string %u is not valid UTF-8 (byte %zu)", i, bad);
    if (memchr(img->strs[i], 0, img->strlens[i])) return fail(v, "string %u contains a NUL byte", i);
  }
  if (!str_ok(img, img->name, true) || !str_ok(img, img->version, true) || !str_ok(img, img->src_name, true) ||
      !str_ok(img, img->review_text, true))
    return fail(v, "meta: string index out of range");
  if (img->effective != TIER_NONE && (img->effective < date_from_ymd(1, 1, 1) || img->effective > date_from_ymd(9999, 12, 31)))
    return fail(v, "meta: effective date out of range");
  for (uint32_t i = 0; i < img->nenums; i++) {
    if (!str_ok(img, img->enums[i].name, false)) return fail(v, "schema: enum %u: name index out of range", i);
    if (img->enums[i].nvals == 0) return fail(v, "schema: enum %u has no values", i);
    for (uint32_t k = 0; k < img->enums[i].nvals; k++)
      if (!str_ok(img, img->enums[i].vals[k], false)) return fail(v, "schema: enum %u value %u: index out of range", i, k);
  }
  if (img->ntop > 0xFFFF) return fail(v, "schema: %u record slots (limit 65535)", img->ntop);
  v->top_class = arena_alloc(&img->ar, img->ntop + 1);
  v->item_class = arena_alloc(&img->ar, sizeof(char *) * (img->nlists + 1));
  if (!v->top_class || !v->item_class) return fail(v, "out of memory");
  for (uint32_t l = 0; l < img->nlists; l++) {
    struct img_list *L = &img->lists[l];
    if (L->field >= img->nfields || img->fields[L->field].kind != TY_LIST || img->fields[L->field].ref != l)
      return fail(v, "schema: list %u does not match its field", l);
    v->item_class[l] = arena_alloc(&img->ar, (size_t)L->width + 1);
    if (!v->item_class[l]) return fail(v, "out of memory");
  }
  uint8_t *seen_top = arena_alloc(&img->ar, img->ntop + 1);
  if (!seen_top) return fail(v, "out of memory");
  for (uint32_t i = 0; i < img->nfields; i++) {
    struct img_field *f = &img->fields[i];
    if (!str_ok(img, f->name, false)) return fail(v, "schema: field %u: name index out of range", i);
    if (f->kind < TY_TEXT || f->kind > TY_LIST) return fail(v, "schema: field %u: unknown type %u", i, f->kind);
    if (f->flags & ~(FF_OPT | FF_PARTNER)) return fail(v, "schema: field %u: unknown flags", i);
    if (f->kind == TY_ENUM && f->ref >= img->nenums) return fail(v, "schema: field %u: enum index out of range", i);
    if (f->kind == TY_LIST && (f->ref >= img->nlists || f->owner != NO_LIST || (f->flags & FF_OPT) || img->lists[f->ref].field != i))
      return fail(v, "schema: field %u: bad list", i);
    if ((f->flags & FF_PARTNER) && (int32_t)i != img->partner_field)
      return fail(v, "schema: field %u is flagged as the partner type but is not the partner field", i);
    if (f->owner == NO_LIST) {
      if (f->slot >= img->ntop || seen_top[f->slot]) return fail(v, "schema: field %u: slot %u out of range or reused", i, f->slot);
      seen_top[f->slot] = 1;
      v->top_class[f->slot] = kind_class(f->kind);
    } else {
      if (f->owner >= img->nlists) return fail(v, "schema: field %u: list index out of range", i);
      if (f->slot >= img->lists[f->owner].width || v->item_class[f->owner][f->slot])
        return fail(v, "schema: field %u: item slot %u out of range or reused", i, f->slot);
      if (f->kind == TY_LIST || (f->flags & FF_PARTNER)) return fail(v, "schema: field %u: not allowed in a list", i);
      v->item_class[f->owner][f->slot] = kind_class(f->kind);
    }
  }
  for (uint32_t l = 0; l < img->nlists; l++)
    for (uint32_t s = 0; s < img->lists[l].width; s++)
      if (!v->item_class[l][s]) return fail(v, "schema: list %u: item slot %u has no field", l, s);
  if (img->partner_field != -1) {
    if (img->partner_field < 0 || (uint32_t)img->partner_field >= img->nfields) return fail(v, "schema: partner field out of range");
    struct img_field *f = &img->fields[img->partner_field];
    if (f->kind != TY_ENUM || f->owner != NO_LIST || !(f->flags & FF_PARTNER) || (f->flags & FF_OPT))
      return fail(v, "schema: the partner field is not a required top-level enum");
  }
  if (img->id_field != -1) {
    if (img->id_field < 0 || (uint32_t)img->id_field >= img->nfields) return fail(v, "schema: id field out of range");
    struct img_field *f = &img->fields[img->id_field];
    if (f->kind != TY_TEXT || f->owner != NO_LIST) return fail(v, "schema: the id field is not top-level text");
  }
  for (uint32_t i = 0; i < img->nconsts; i++) {
    struct img_const *k = &img->consts[i];
    if (!kind_class(k->kind)) return fail(v, "consts: constant %u has unknown type %u", i, k->kind);
    if (k->kind == TY_TEXT && (k->v < 0 || (uint64_t)k->v >= img->nstrs)) return fail(v, "consts: constant %u: string index out of range", i);
    if (k->kind == TY_BOOL && k->v != 0 && k->v != 1) return fail(v, "consts: constant %u: bool is neither 0 nor 1", i);
    if (k->kind == TY_NUMBER && !num_is_canonical(k->q))
      return fail(v, "consts: constant %u: number out of range or not in lowest terms", i);
  }
  for (uint32_t i = 0; i < img->nmetrics; i++) {
    struct img_metric *m = &img->metrics[i];
    if (!str_ok(img, m->name, false) || !str_ok(img, m->label, true) || !str_ok(img, m->def, true))
      return fail(v, "metrics: metric %u: string index out of range", i);
    if (!kind_class(m->kind)) return fail(v, "metrics: metric %u: unknown type %u", i, m->kind);
    if (m->opt > 1) return fail(v, "metrics: metric %u: optional flag is neither 0 nor 1", i);
    if (m->kind == TY_ENUM && m->ref >= img->nenums) return fail(v, "metrics: metric %u: enum index out of range", i);
  }
  uint32_t next_req = 0;
  for (uint32_t i = 0; i < img->ntiers; i++) {
    struct img_tier *t = &img->tiers[i];
    if (!str_ok(img, t->name, false)) return fail(v, "tiers: tier %u: name index out of range", i);
    if (img->has_debug && !str_ok(img, t->file, false)) return fail(v, "debug: tier %u: file name index out of range", i);
    if (img->partner_field < 0) return fail(v, "tiers: tiers without a partner-type field");
    if (t->ptype >= img->enums[img->fields[img->partner_field].ref].nvals) return fail(v, "tiers: tier %u: partner type out of range", i);
    if (t->sustained > 120) return fail(v, "tiers: tier %u: sustained %u months (limit 120)", i, t->sustained);
    if (t->first_req != next_req || t->nreq > img->nreqs - next_req) return fail(v, "tiers: tier %u: requirement range out of bounds", i);
    next_req += t->nreq;
  }
  if (next_req != img->nreqs) return fail(v, "tiers: %u requirements belong to no tier", img->nreqs - next_req);
  for (uint32_t i = 0; i < img->nreqs; i++) {
    struct img_req *r = &img->reqs[i];
    if (img->has_debug && !str_ok(img, r->file, false)) return fail(v, "debug: requirement %u: file name index out of range", i);
    if (!str_ok(img, r->section, true) || !str_ok(img, r->label, true) || !str_ok(img, r->rule, false))
      return fail(v, "tiers: requirement %u: string index out of range", i);
    if (r->metric != -1 && r->field != -1) return fail(v, "tiers: requirement %u: both a metric and a field", i);
    if (r->metric != -1 || r->field != -1) {
      int kind;
      if (r->metric != -1) {
        if (r->metric < 0 || (uint32_t)r->metric >= img->nmetrics) return fail(v, "tiers: requirement %u: metric out of range", i);
        kind = img->metrics[r->metric].kind;
      } else {
        if (r->field < 0 || (uint32_t)r->field >= img->ntop || !v->top_class[r->field])
          return fail(v, "tiers: requirement %u: field slot out of range", i);
        kind = img->fields[img_top_field(img, (uint32_t)r->field)].kind;
      }
      if (r->cmp < CMP_EQ || r->cmp > CMP_GE) return fail(v, "tiers: requirement %u: unknown comparison %u", i, r->cmp);
      if (r->konst >= img->nconsts || img->consts[r->konst].kind != kind)
        return fail(v, "tiers: requirement %u: constant out of range or of the wrong type", i);
    }
  }
  return 0;
}

uint32_t img_top_field(const struct image *img, uint32_t slot) {
  for (uint32_t f = 0; f < img->nfields; f++)
    if (img->fields[f].owner == NO_LIST && img->fields[f].slot == slot) return f;
  return 0;
}

static uint32_t rd32(const uint8_t *q) {
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* Mark instruction starts; reject unknown opcodes and cut-off operands. */
static int decode_all(struct vfy *v) {
  struct image *img = v->img;
  v->boundary = arena_alloc(&img->ar, (size_t)img->codelen + 1);
  v->reached = arena_alloc(&img->ar, (size_t)img->codelen + 1);
  if (!v->boundary || !v->reached) return fail(v, "out of memory");
  uint32_t pc = 0;
  while (pc < img->codelen) {
    uint8_t op = img->code[pc];
    if (op >= OP__COUNT) return fail(v, "code at offset %u: unknown opcode %u", pc, op);
    uint32_t len = 1 + 4 * (uint32_t)op_noperands(op_info[op].fmt);
    if (len > img->codelen - pc) return fail(v, "code at offset %u: %s is cut off by the end of the code", pc, op_info[op].name);
    v->boundary[pc] = 1;
    pc += len;
  }
  return 0;
}

static struct pend *pend_find(struct vfy *v, uint32_t pc) {
  for (uint32_t i = 0; i < v->npend; i++)
    if (v->pend[i].pc == pc) return &v->pend[i];
  return NULL;
}

/* Record the state flowing to a forward target, or check it against the
 * state already recorded there. */
static int pend_add(struct vfy *v, uint32_t from, uint32_t to, uint32_t depth, const char *cls) {
  struct pend *p = pend_find(v, to);
  if (p) {
    if (p->depth != depth || memcmp(p->cls, cls, depth) != 0)
      return fail(v, "code at offset %u: the jump to %u arrives with a different stack (depth %u vs %u)", from, to, depth, p->depth);
    return 0;
  }
  if (v->npend == v->cappend) {
    uint32_t cap = v->cappend ? v->cappend * 2 : 16;
    struct pend *q = arena_alloc(&v->img->ar, sizeof *q * cap);
    if (!q) return fail(v, "out of memory");
    if (v->pend) memcpy(q, v->pend, sizeof *q * v->npend);
    v->pend = q;
    v->cappend = cap;
  }
  p = &v->pend[v->npend++];
  p->pc = to;
  p->depth = (uint16_t)depth;
  memcpy(p->cls, cls, depth);
  return 0;
}

enum seg { SEG_REVIEW, SEG_METRICS, SEG_RULE };

/* Abstract interpretation of one segment: forward only, so one pass in pc
 * order sees every predecessor of an instruction before the instruction. */
static int check_segment(struct vfy *v, uint32_t entry, enum seg kind, const char *what) {
  struct image *img = v->img;
  if (entry >= img->codelen || !v->boundary[entry]) return fail(v, "%s: entry offset %u is not an instruction", what, entry);
  v->npend = 0;
  char cls[MAX_STACK + 2];
  uint32_t depth = 0;
  bool live = true;
  int loop_list = -1;
  uint32_t loop_body = 0, loop_end = 0, loop_depth = 0;
  char loop_cls[MAX_STACK];
  uint32_t cleared = 0; /* distinct sets emptied so far in this segment */
  uint32_t max_pend = 0;
  for (uint32_t pc = entry; pc < img->codelen;) {
    struct pend *p = pend_find(v, pc);
    if (p) {
      if (live && (p->depth != depth || memcmp(p->cls, cls, depth) != 0))
        return fail(v, "code at offset %u: paths join with different stacks", pc);
      depth = p->depth;
      memcpy(cls, p->cls, depth);
      live = true;
    }
    if (!live) return fail(v, "code at offset %u: unreachable instruction", pc);
    uint8_t op = img->code[pc];
    v->reached[pc] = 1;
    /* the cost bound: every instruction once, a loop body once per item */
    if (loop_list >= 0) v->cost_per[loop_list]++;
    else v->cost_base++;
    const struct opinfo *oi = &op_info[op];
    uint32_t a = 0, b = 0, next = pc + 1 + 4 * (uint32_t)op_noperands(oi->fmt);
    if (op_noperands(oi->fmt) >= 1) a = rd32(img->code + pc + 1);
    if (op_noperands(oi->fmt) >= 2) b = rd32(img->code + pc + 5);
    if (oi->fmt == MET && a >= img->nmetrics) return fail(v, "code at offset %u: metric %u out of range", pc, a);
    if (depth < oi->pops) return fail(v, "code at offset %u: %s needs %u values, the stack has %u", pc, oi->name, oi->pops, depth);
    /* classes of the operands */
    for (uint32_t k = 0; k < oi->pops; k++) {
      char have = cls[depth - 1 - k], want = oi->in;
      /* a register write: the value's class is the register's, and the
       * op's own (SUMR_F into a money register is refused) */
      if (oi->fmt == MET && oi->pops == 1) {
        want = kind_class(a < img->nmetrics ? img->metrics[a].kind : 0);
        if ((oi->in == 'I' || oi->in == 'F' || oi->in == 'S') && oi->in != want) return fail(v, "code at offset %u: %s on a register of class %c", pc, oi->name, want);
        if (oi->in == 'M' && want == 'F') return fail(v, "code at offset %u: %s on a register of class F", pc, oi->name);
      }
      if (want == 'A' && have == 'F') return fail(v, "code at offset %u: %s cannot take a value of class F", pc, oi->name);
      if (want != 'A' && want != '-' && have != want)
        return fail(v, "code at offset %u: %s expects %c values, finds %c", pc, oi->name, want, have);
    }
    if ((op >= OP_CNT && op <= OP_ALL) && cls[depth - 1] != cls[depth - 2] && op != OP_CNT && op != OP_ANY && op != OP_ALL)
      return fail(v, "code at offset %u: accumulator and value differ in class", pc);
    char out = oi->out;
    switch (oi->fmt) {
    case K:
      if (a >= img->nconsts) return fail(v, "code at offset %u: constant %u out of range (%u constants)", pc, a, img->nconsts);
      if (op == OP_PUSH || op == OP_PUSH_F) {
        if (pushed_class(v, pc, oi, kind_class(img->consts[a].kind), &out)) return -1;
      } else if (kind_class(img->consts[a].kind) != 'I') return fail(v, "code at offset %u: %s needs an integer constant", pc, oi->name);
      break;
    case FLD:
      if (a >= img->ntop || !v->top_class[a]) return fail(v, "code at offset %u: record slot %u out of range", pc, a);
      if (pushed_class(v, pc, oi, v->top_class[a], &out)) return -1;
      break;
    case ITM:
      if (loop_list < 0) return fail(v, "code at offset %u: ITEM outside a loop", pc);
      if (a >= img->lists[loop_list].width) return fail(v, "code at offset %u: item slot %u out of range", pc, a);
      if (pushed_class(v, pc, oi, v->item_class[loop_list][a], &out)) return -1;
      break;
    case MET:
      if (a >= img->nmetrics) return fail(v, "code at offset %u: metric %u out of range", pc, a);
      /* the review rule runs before the metric block: no register has a value yet */
      if (kind == SEG_REVIEW) return fail(v, "code at offset %u: the review rule reads a register", pc);
      if ((oi->pops == 1 || op == OP_INCR) && kind != SEG_METRICS)
        return fail(v, "code at offset %u: %s writes a register outside the metric block", pc, oi->name);
      if (op == OP_INCR && kind_class(img->metrics[a].kind) != 'I') return fail(v, "code at offset %u: INCR needs an integer register", pc);
      if ((op == OP_METRIC || op == OP_METRIC_F) && pushed_class(v, pc, oi, kind_class(img->metrics[a].kind), &out))
        return -1;
      break;
    case SET:
      if (a >= MAX_DSETS) return fail(v, "code at offset %u: distinct set %u out of range (%d sets)", pc, a, MAX_DSETS);
      if (a + 1 > img->nsets) img->nsets = a + 1;
      /* a set is read only after this segment emptied it: never a value
       * left from another record */
      if (op == OP_DCLEAR) cleared |= 1u << a;
      else if (!(cleared >> a & 1)) return fail(v, "code at offset %u: %s uses set s%u before DCLEAR", pc, oi->name, a);
      break;
    case MON: case DAY:
      if ((int32_t)a < -1200000 || (int32_t)a > 1200000) return fail(v, "code at offset %u: duration %d out of range", pc, (int32_t)a);
      break;
    case JMP:
      if (a <= pc || a >= img->codelen || !v->boundary[a]) return fail(v, "code at offset %u: jump target %u is not a later instruction", pc, a);
      if (loop_list >= 0 && a > loop_end - 9) return fail(v, "code at offset %u: jump out of a loop body", pc);
      break;
    case K_JMP: case MET_JMP:
      if (oi->fmt == MET_JMP && kind == SEG_REVIEW) return fail(v, "code at offset %u: the review rule reads a register", pc);
      if (oi->fmt == K_JMP && (a >= img->nconsts || kind_class(img->consts[a].kind) != 'I'))
        return fail(v, "code at offset %u: %s needs an integer constant", pc, oi->name);
      if (oi->fmt == MET_JMP && (a >= img->nmetrics || kind_class(img->metrics[a].kind) != 'I'))
        return fail(v, "code at offset %u: %s needs an integer register", pc, oi->name);
      if (b <= pc || b >= img->codelen || !v->boundary[b]) return fail(v, "code at offset %u: jump target %u is not a later instruction", pc, b);
      if (loop_list >= 0 && b > loop_end - 9) return fail(v, "code at offset %u: jump out of a loop body", pc);
      break;
    case LST_JMP:
      if (loop_list >= 0) return fail(v, "code at offset %u: loops may not nest", pc);
      if (a >= img->nlists) return fail(v, "code at offset %u: list %u out of range", pc, a);
      if (b <= next || b > img->codelen || (b < img->codelen && !v->boundary[b]) || b - next < 9)
        return fail(v, "code at offset %u: loop end %u is not a later instruction", pc, b);
      if (img->code[b - 9] != OP_NEXT || !v->boundary[b - 9] || rd32(img->code + b - 8) != a || rd32(img->code + b - 4) != next)
        return fail(v, "code at offset %u: loop does not end with its NEXT", pc);
      for (uint32_t i = 0; i < v->npend; i++)
        if (v->pend[i].pc > pc && v->pend[i].pc < b) return fail(v, "code at offset %u: a jump enters the loop body at %u", pc, v->pend[i].pc);
      loop_list = (int)a;
      loop_body = next;
      loop_end = b;
      loop_depth = depth;
      memcpy(loop_cls, cls, depth);
      break;
    case LST_BACK:
      if (loop_list < 0 || (uint32_t)loop_list != a || b != loop_body || next != loop_end)
        return fail(v, "code at offset %u: NEXT does not close the open loop", pc);
      if (depth != loop_depth || memcmp(cls, loop_cls, depth) != 0)
        return fail(v, "code at offset %u: the loop body changes the stack", pc);
      loop_list = -1;
      break;
    }
    if ((op == OP_DADD || op == OP_DADD_S) && loop_list < 0) return fail(v, "code at offset %u: %s outside a loop", pc, oi->name);
    if ((op == OP_DCLEAR || op == OP_DSIZE) && loop_list >= 0) return fail(v, "code at offset %u: %s inside a loop", pc, oi->name);
    if (op == OP_ANDJ || op == OP_ORJ) {
      /* the kept value flows to the target */
      if (pend_add(v, pc, a, depth, cls)) return -1;
    }
    depth -= oi->pops;
    if (oi->pushes) {
      if (depth >= MAX_STACK) return fail(v, "code at offset %u: stack deeper than %d", pc, MAX_STACK);
      if (out == 'K' || out == 'R' || out == 'M' || out == '-') return fail(v, "code at offset %u: bad result class", pc);
      cls[depth++] = out;
      if (depth > img->max_stack) img->max_stack = depth;
    }
    if (op == OP_ANDJ || op == OP_ORJ) { /* fall-through pops the tested value */
      depth--;
    }
    if (oi->fmt == K_JMP || oi->fmt == MET_JMP) {
      if (pend_add(v, pc, b, depth, cls)) return -1;
    }
    if (op == OP_JUMP || op == OP_JUMPF) {
      if (pend_add(v, pc, a, depth, cls)) return -1;
      if (op == OP_JUMP) live = false;
    }
    if (op == OP_LOOP) {
      if (pend_add(v, pc, b, depth, cls)) return -1;
    }
    for (uint32_t i = 0; i < v->npend; i++)
      if (v->pend[i].pc > max_pend) max_pend = v->pend[i].pc;
    if (op == OP_RET || op == OP_END) {
      if (op == OP_END && kind != SEG_METRICS) return fail(v, "code at offset %u: END outside the metric block", pc);
      if (op == OP_RET && kind == SEG_METRICS) return fail(v, "code at offset %u: RET in the metric block", pc);
      if (op == OP_RET && depth != 0) return fail(v, "code at offset %u: RET leaves %u values on the stack", pc, depth);
      if (op == OP_END && depth != 0) return fail(v, "code at offset %u: END with %u values on the stack", pc, depth);
      if (op == OP_RET && cls[0] != 'I') return fail(v, "code at offset %u: %s must give a bool or date", pc, what);
      if (loop_list >= 0) return fail(v, "code at offset %u: segment ends inside a loop", pc);
      live = false;
      if (max_pend < next) return 0;
    }
    pc = next;
  }
  return fail(v, "%s: runs off the end of the code", what);
}

/* Verify img.  The cost bound (SPEC 4.5) is the review rule once plus, for
 * every checkpoint (today and each sustained month of every tier), the
 * metric block and every requirement, each instruction counted once and a
 * loop body once per item; branches are all counted, which only over-counts.
 * When img has no cost yet (the compiler's own image) it is filled in;
 * otherwise a file claiming less than the code needs is rejected. */
int vfy_image(struct image *img, char *err, size_t errlen) {
  struct vfy v;
  memset(&v, 0, sizeof v);
  v.img = img;
  v.err = err;
  v.errlen = errlen;
  img->max_stack = 0;
  img->nsets = 0;
  v.cost_per = arena_alloc(&img->ar, sizeof(uint64_t) * (img->nlists + 1));
  if (!v.cost_per) return fail(&v, "out of memory");
  if (check_tables(&v) || decode_all(&v)) return -1;
  uint64_t review = 0;
  if (img->review_code != NO_STR) {
    if (check_segment(&v, img->review_code, SEG_REVIEW, "review rule")) return -1;
    review = v.cost_base;
    v.cost_base = 0;
    for (uint32_t l = 0; l < img->nlists; l++)
      if (v.cost_per[l]) return fail(&v, "review rule: loops over lists are not allowed here");
  }
  if (check_segment(&v, img->metric_code, SEG_METRICS, "metric block")) return -1;
  for (uint32_t i = 0; i < img->nreqs; i++) {
    char what[48];
    snprintf(what, sizeof what, "requirement %u", i);
    if (check_segment(&v, img->reqs[i].code, SEG_RULE, what)) return -1;
  }
  /* code no segment reaches was never checked: refuse it, since the VM's
   * decoder and the disassembler read every instruction */
  for (uint32_t pc = 0; pc < img->codelen; pc++)
    if (v.boundary[pc] && !v.reached[pc]) return fail(&v, "code at offset %u: no segment reaches this instruction", pc);
  uint64_t checkpoints = 1;
  for (uint32_t t = 0; t < img->ntiers; t++) checkpoints += img->tiers[t].sustained;
  uint64_t base = review + checkpoints * v.cost_base;
  for (uint32_t l = 0; l < img->nlists; l++) v.cost_per[l] *= checkpoints;
  if (!img->cost_per) {
    img->cost_base = base;
    img->cost_per = v.cost_per;
    return 0;
  }
  if (img->cost_base < base)
    return fail(&v, "cost: the file claims %llu instructions, the code needs %llu",
                (unsigned long long)img->cost_base, (unsigned long long)base);
  for (uint32_t l = 0; l < img->nlists; l++)
    if (img->cost_per[l] < v.cost_per[l])
      return fail(&v, "cost: list %u: the file claims %llu instructions per item, the code needs %llu", l,
                  (unsigned long long)img->cost_per[l], (unsigned long long)v.cost_per[l]);
  return 0;
}
