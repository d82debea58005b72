/*
 * func.c - the table of functions of values (see func.h).
 */
#include <string.h>

#include "func.h"

/* A date function of a period: one date in, one date out, its instruction
 * given the period (see func.h). */
#define PERIOD_FN(name, op, months, usage) \
  {name, 1, 1, FA_DATE, FR_DATE, 0, 0, 0, op, op, months, usage}

static const struct func funcs[] = {
    /* name    args         arguments    result   digits        I          F      period usage */
    {"min",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MIN2_I,  OP_MIN2_F,  0, "min(a, b, ...)"},
    {"max",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MAX2_I,  OP_MAX2_F,  0, "max(a, b, ...)"},
    {"abs",   1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_ABS_I,   OP_ABS_F,   0, "abs(x)"},
    {"floor", 1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_FLOOR_I, OP_FLOOR_F, 0, "floor(x)"},
    {"ceil",  1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_CEIL_I,  OP_CEIL_F,  0, "ceil(x)"},
    {"round", 1, 2,       FA_NUMERIC, FR_SAME, 2, -18, 34, OP_ROUND_I, OP_ROUND_F, 0, "round(x) or round(x, digits)"},
    /* dates (SPEC 3.4.6, 3.5) */
    {"year",  1, 1,       FA_DATE,    FR_INT,  0, 0, 0,   OP_YEAR,    OP_YEAR,    0, "year(date)"},
    {"month", 1, 1,       FA_DATE,    FR_INT,  0, 0, 0,   OP_MONTH,   OP_MONTH,   0, "month(date)"},
    {"days_between", 2, 2, FA_DATE,   FR_INT,  0, 0, 0,   OP_DAYS,    OP_DAYS,    0, "days_between(a, b) (b - a, in days)"},
    PERIOD_FN("month_start",   OP_PSTART, 1,  "month_start(date)"),
    PERIOD_FN("month_end",     OP_PEND,   1,  "month_end(date)"),
    PERIOD_FN("quarter_start", OP_PSTART, 3,  "quarter_start(date)"),
    PERIOD_FN("quarter_end",   OP_PEND,   3,  "quarter_end(date)"),
    PERIOD_FN("year_start",    OP_PSTART, 12, "year_start(date)"),
    PERIOD_FN("year_end",      OP_PEND,   12, "year_end(date)"),
};

const struct func *fn_find(const char *name) {
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
    if (strcmp(funcs[i].name, name) == 0) return &funcs[i];
  return NULL;
}

const struct func *fn_at(size_t i) { return i < sizeof funcs / sizeof funcs[0] ? &funcs[i] : NULL; }

const struct func *fn_of_op(int op, const struct period *p) {
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
    const struct func *f = &funcs[i];
    if (f->op_i != op && f->op_f != op) continue;
    if (!f->period || (p && f->period == p->len && p->first == 1)) return f;
  }
  return NULL;
}
