/*
 * func.c - the table of functions of values (see func.h).
 */
#include <string.h>

#include "func.h"

/* A date function of a period: one date in, one date out, its instruction
 * given the period (see func.h). */
#define PERIOD_FN(name, op, months, fisc, usage) \
  {name, 1, 1, FA_DATE, FR_DATE, 0, 0, 0, op, op, months, fisc, usage}

static const struct func funcs[] = {
    /* name    args         arguments    result   digits        I          F      period fiscal usage */
    {"min",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MIN2_I,  OP_MIN2_F,  0, false, "min(a, b, ...)"},
    {"max",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MAX2_I,  OP_MAX2_F,  0, false, "max(a, b, ...)"},
    {"abs",   1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_ABS_I,   OP_ABS_F,   0, false, "abs(x)"},
    {"floor", 1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_FLOOR_I, OP_FLOOR_F, 0, false, "floor(x)"},
    {"ceil",  1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_CEIL_I,  OP_CEIL_F,  0, false, "ceil(x)"},
    {"round", 1, 2,       FA_NUMERIC, FR_SAME, 2, -18, 34, OP_ROUND_I, OP_ROUND_F, 0, false, "round(x) or round(x, digits)"},
    /* dates (SPEC 3.4.6, 3.5) */
    {"year",  1, 1,       FA_DATE,    FR_INT,  0, 0, 0,   OP_YEAR,    OP_YEAR,    0, false, "year(date)"},
    {"month", 1, 1,       FA_DATE,    FR_INT,  0, 0, 0,   OP_MONTH,   OP_MONTH,   0, false, "month(date)"},
    {"days_between", 2, 2, FA_DATE,   FR_INT,  0, 0, 0,   OP_DAYS,    OP_DAYS,    0, false, "days_between(a, b) (b - a, in days)"},
    PERIOD_FN("month_start",   OP_PSTART, 1,  false, "month_start(date)"),
    PERIOD_FN("month_end",     OP_PEND,   1,  false, "month_end(date)"),
    PERIOD_FN("quarter_start", OP_PSTART, 3,  false, "quarter_start(date)"),
    PERIOD_FN("quarter_end",   OP_PEND,   3,  false, "quarter_end(date)"),
    PERIOD_FN("year_start",    OP_PSTART, 12, false, "year_start(date)"),
    PERIOD_FN("year_end",      OP_PEND,   12, false, "year_end(date)"),
    /* counted from the month `fiscal year starts in MONTH;` names */
    PERIOD_FN("fiscal_quarter_start", OP_PSTART, 3,  true, "fiscal_quarter_start(date)"),
    PERIOD_FN("fiscal_quarter_end",   OP_PEND,   3,  true, "fiscal_quarter_end(date)"),
    PERIOD_FN("fiscal_year_start",    OP_PSTART, 12, true, "fiscal_year_start(date)"),
    PERIOD_FN("fiscal_year_end",      OP_PEND,   12, true, "fiscal_year_end(date)"),
};

const struct func *fn_find(const char *name) {
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
    if (strcmp(funcs[i].name, name) == 0) return &funcs[i];
  return NULL;
}

const struct func *fn_at(size_t i) { return i < sizeof funcs / sizeof funcs[0] ? &funcs[i] : NULL; }

/* A fiscal period whose first month is January's is the calendar's: its
 * code is the calendar row's, and so is the name it reads back as. */
const struct func *fn_of_op(int op, const struct period *p) {
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
    const struct func *f = &funcs[i];
    if (f->op_i != op && f->op_f != op) continue;
    if (!f->period || (p && f->period == p->len && f->fiscal == (p->first != 1))) return f;
  }
  return NULL;
}
