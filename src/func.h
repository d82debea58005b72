/*
 * func.h - the functions of values a rule may call (SPEC 3.4.2): one table,
 * one row per function, read by the type checker (sema.c) and the code
 * generator (codegen.c).  A new function is a new row (and, when no
 * instruction does its work yet, a new opcode in opcodes.h).
 */
#ifndef TIER_FUNC_H
#define TIER_FUNC_H

#include "period.h"
#include "tier_int.h"

#define FN_MANY 0xFF /* max_args: no upper limit */

/* What a function's value arguments may be. */
enum fn_arg {
  FA_NUMERIC = 1, /* int, money or number */
  FA_ORDERED,     /* int, money or number (brought to one kind as + does), or all dates */
  FA_DATE         /* dates */
};

/* What it gives (optional when an argument is). */
enum fn_result {
  FR_SAME = 1,    /* the (common) type of its value arguments */
  FR_DATE,        /* a date */
  FR_INT          /* an int */
};

struct func {
  const char *name;
  uint8_t min_args, max_args; /* counting the digits argument */
  uint8_t arg;                /* enum fn_arg */
  uint8_t result;             /* enum fn_result */
  uint8_t digits_at;          /* 1-based position of an integer-literal argument
                                 (round's digits), 0 for none */
  int8_t digits_min, digits_max;
  /* The instruction for class I and class F values.  One that pops two
   * values is applied left to right over the arguments (min(a, b, c) is
   * MIN2(MIN2(a, b), c)); one with a digits operand (DIG) gets the decimals
   * to keep in the value's own unit (cents for money) and is left out
   * when that keeps everything. */
  uint8_t op_i, op_f;
  /* A date function of a period (month_start ... fiscal_year_end): the
   * period's months, and whether it counts from the fiscal year's first
   * month (`fiscal year starts in MONTH;`) rather than January.  Its
   * instruction gets the period as its PER operand (period.h). */
  uint8_t period;             /* 0, or 1, 3, 12 */
  bool fiscal;
  const char *usage;          /* "round(x) or round(x, digits)", for messages */
};

/* The row for name, or NULL. */
const struct func *fn_find(const char *name);
/* Row i, for i from 0 while it is not NULL (did-you-mean, docs). */
const struct func *fn_at(size_t i);
/* The row whose instruction is op (for a PER instruction, the row of the
 * period p), for printing code back as a call; NULL if none. */
const struct func *fn_of_op(int op, const struct period *p);

#endif
