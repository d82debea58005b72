/*
 * func.c - the table of functions of values (see func.h).
 */
#include <string.h>

#include "func.h"

static const struct func funcs[] = {
    /* name    args         arguments    result   digits        I          F          usage */
    {"min",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MIN2_I,  OP_MIN2_F,  "min(a, b, ...)"},
    {"max",   2, FN_MANY, FA_ORDERED, FR_SAME, 0, 0, 0,   OP_MAX2_I,  OP_MAX2_F,  "max(a, b, ...)"},
    {"abs",   1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_ABS_I,   OP_ABS_F,   "abs(x)"},
    {"floor", 1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_FLOOR_I, OP_FLOOR_F, "floor(x)"},
    {"ceil",  1, 1,       FA_NUMERIC, FR_SAME, 0, 0, 0,   OP_CEIL_I,  OP_CEIL_F,  "ceil(x)"},
    {"round", 1, 2,       FA_NUMERIC, FR_SAME, 2, -18, 34, OP_ROUND_I, OP_ROUND_F, "round(x) or round(x, digits)"},
};

const struct func *fn_find(const char *name) {
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
    if (strcmp(funcs[i].name, name) == 0) return &funcs[i];
  return NULL;
}

const struct func *fn_at(size_t i) { return i < sizeof funcs / sizeof funcs[0] ? &funcs[i] : NULL; }
