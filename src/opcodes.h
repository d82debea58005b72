/*
 * opcodes.h - the one list of tierc's VM instructions, and the facts about
 * them that every stage shares.  src/opcodes.c builds the one table
 * (op_info) from this list, as Lua's lopcodes.c does from lopcodes.h; the
 * enum, the verifier's rules, the disassembler and the VM's dispatch table
 * all come from here.
 *
 * Each entry is OP(name, operands, in, out, reg, meaning):
 *   operands  the u32 operands that follow the opcode byte (enum opnd below);
 *   in        the classes of the values the instruction pops, bottom first
 *             ("" pops nothing; the string's length is the pop count);
 *   out       the class of the value it pushes, '-' for none;
 *   reg       the class its register operand must have: '-' no register,
 *             '=' that of the popped value, 'A' any;
 *   meaning   one line, printed by `tierc disasm --opcodes`.
 *
 * Value classes, as the verifier tracks them on the stack:
 *   I  integer-like: int, money (cents), enum ordinal
 *   B  bool (1 true, 0 false)          D  date (days since 1970-01-01)
 *   F  number: an exact fraction (src/num.h), kept in the VM's number stack
 *      and number registers beside the 64-bit ones
 *   S  text handle
 *   X  any of I, B, D: the X operands of one instruction agree, and an X
 *      result has their class
 *   A  any class but F (a value of the 64-bit stack)
 * and, as `out` only: K the constant's class, R the field's, M the
 * register's, never F: numbers move only with the _F instructions.  A value
 * that may be missing (an optional field, min/max of an empty list, a
 * division by zero) is TIER_NONE for classes I, B, D and S, none for F.
 * Number arithmetic is exact; a result outside the range of src/num.h is a
 * run-time error of the record, as an integer overflow is.
 */
#ifndef TIER_OPCODES_H
#define TIER_OPCODES_H

#include <stdint.h>

/* Operand formats: what the u32 operands after an opcode are. */
enum opnd {
  N0,       /* none */
  K,        /* constant index */
  FLD,      /* top-level record slot */
  ITM,      /* slot of the current list item */
  MET,      /* register (metric) index */
  MON,      /* signed months */
  DAY,      /* signed days */
  JMP,      /* forward jump target (byte offset) */
  LST_JMP,  /* list index, then the offset just past the loop's NEXT */
  LST_BACK, /* list index, then the offset of the loop body */
  SET,      /* distinct-value set index */
  K_JMP,    /* constant index, then a forward jump target */
  MET_JMP,  /* register index, then a forward jump target */
  DIG,      /* signed decimals to keep, within +-DIG_MAX, in the value's own unit */
  PER,      /* a calendar or fiscal period (src/period.h): months, first month, back */
  BUF,      /* median buffer index (below MAX_MBUFS) */
  BLK,      /* a block: a tier or a badge (tiers first, then badges) */
  TRC       /* trace slot (below 2 x its requirement's traced comparisons) */
};
#define DIG_MAX 38 /* 10^38 is the largest power of ten the VM's rounding forms */

#define TIER_OPCODES(OP)                                                       \
  OP(NOP,       N0,       "",   '-', '-', "do nothing")                        \
  OP(PUSH,      K,        "",   'K', '-', "push constant K")                   \
  OP(PUSH_F,    K,        "",   'F', '-', "push number constant K")            \
  OP(FIELD,     FLD,      "",   'R', '-', "push top-level record field")       \
  OP(FIELD_F,   FLD,      "",   'F', '-', "push top-level number field")       \
  OP(ITEM,      ITM,      "",   'R', '-', "push field of the current list item") \
  OP(ITEM_F,    ITM,      "",   'F', '-', "push number field of the current list item") \
  OP(METRIC,    MET,      "",   'M', 'A', "push metric register")              \
  OP(METRIC_F,  MET,      "",   'F', 'F', "push number register")              \
  OP(SETMETRIC, MET,      "A",  '-', '=', "pop into metric register")          \
  OP(SETMETRIC_F, MET,      "F",  '-', 'F', "pop into number register")        \
  OP(ASOF,      N0,       "",   'D', '-', "push the evaluation date")          \
  OP(NOT,       N0,       "B",  'B', '-', "boolean not (missing -> false)")    \
  OP(BOOL,      N0,       "B",  'B', '-', "true stays true; false or missing -> false") \
  OP(NEG_I,     N0,       "I",  'I', '-', "negate integer (checked)")          \
  OP(NEG_F,     N0,       "F",  'F', '-', "negate number")                     \
  OP(ADD_I,     N0,       "II", 'I', '-', "add integers (checked)")            \
  OP(SUB_I,     N0,       "XX", 'I', '-', "subtract integers (checked)")       \
  OP(MUL_I,     N0,       "II", 'I', '-', "multiply integers (checked)")       \
  OP(ADD_F,     N0,       "FF", 'F', '-', "add numbers (exact, range checked)") \
  OP(SUB_F,     N0,       "FF", 'F', '-', "subtract numbers (exact, range checked)") \
  OP(MUL_F,     N0,       "FF", 'F', '-', "multiply numbers (exact, range checked)") \
  OP(DIV_F,     N0,       "FF", 'F', '-', "divide numbers (exact, range checked; by zero: none)") \
  OP(I2F,       N0,       "I",  'F', '-', "integer to number")                 \
  OP(M2F,       N0,       "I",  'F', '-', "money (cents) to number (units)")   \
  OP(I2M,       N0,       "I",  'I', '-', "integer units to money cents")      \
  OP(EQ_I,      N0,       "XX", 'B', '-', "integers equal (missing -> false)") \
  OP(NE_I,      N0,       "XX", 'B', '-', "integers differ (missing -> false)") \
  OP(LT_I,      N0,       "XX", 'B', '-', "integer less than")                 \
  OP(LE_I,      N0,       "XX", 'B', '-', "integer less or equal")             \
  OP(GT_I,      N0,       "XX", 'B', '-', "integer greater than")              \
  OP(GE_I,      N0,       "XX", 'B', '-', "integer greater or equal")          \
  OP(EQK_I,     K,        "X",  'B', '-', "integer equals constant K (missing -> false)") \
  OP(NEK_I,     K,        "X",  'B', '-', "integer differs from constant K (missing -> false)") \
  OP(LTK_I,     K,        "X",  'B', '-', "integer less than constant K")      \
  OP(LEK_I,     K,        "X",  'B', '-', "integer less or equal constant K")  \
  OP(GTK_I,     K,        "X",  'B', '-', "integer greater than constant K")   \
  OP(GEK_I,     K,        "X",  'B', '-', "integer greater or equal constant K") \
  OP(EQ_F,      N0,       "FF", 'B', '-', "numbers equal")                     \
  OP(NE_F,      N0,       "FF", 'B', '-', "numbers differ")                    \
  OP(LT_F,      N0,       "FF", 'B', '-', "number less than")                  \
  OP(LE_F,      N0,       "FF", 'B', '-', "number less or equal")              \
  OP(GT_F,      N0,       "FF", 'B', '-', "number greater than")               \
  OP(GE_F,      N0,       "FF", 'B', '-', "number greater or equal")           \
  OP(EQ_S,      N0,       "SS", 'B', '-', "texts equal (bytewise)")            \
  OP(NE_S,      N0,       "SS", 'B', '-', "texts differ")                      \
  OP(LT_S,      N0,       "SS", 'B', '-', "text sorts before")                 \
  OP(LE_S,      N0,       "SS", 'B', '-', "text sorts before or equal")        \
  OP(GT_S,      N0,       "SS", 'B', '-', "text sorts after")                  \
  OP(GE_S,      N0,       "SS", 'B', '-', "text sorts after or equal")         \
  OP(ISNONE,    N0,       "A",  'B', '-', "integer or text value is missing")  \
  OP(ISNONE_F,  N0,       "F",  'B', '-', "number is missing")                 \
  OP(INSET,     K,        "I",  'B', '-', "enum ordinal is in bit set K")      \
  OP(ADDMON,    MON,      "D",  'D', '-', "date plus signed months, clamped to month end") \
  OP(ADDDAY,    DAY,      "D",  'D', '-', "date plus signed days")             \
  OP(WITHIN_M,  MON,      "D",  'B', '-', "asof - months < date <= asof")      \
  OP(WITHIN_D,  DAY,      "D",  'B', '-', "asof - days < date <= asof")        \
  OP(JUMP,      JMP,      "",   '-', '-', "jump forward")                      \
  OP(JFR,       MET_JMP,  "",   '-', 'B', "jump forward unless register is true") \
  OP(JNEQK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it equals constant K") \
  OP(JNNEK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it differs from constant K") \
  OP(JNLTK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it is less than constant K") \
  OP(JNLEK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it is at most constant K") \
  OP(JNGTK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it is greater than constant K") \
  OP(JNGEK_I,   K_JMP,    "X",  '-', '-', "pop; jump forward unless it is at least constant K") \
  OP(INCR,      MET,      "",   '-', 'I', "register += 1 (metric block)")      \
  OP(JUMPF,     JMP,      "B",  '-', '-', "pop; jump forward unless true")     \
  OP(ANDJ,      JMP,      "B",  'B', '-', "if top is not true: jump, keep false; else pop") \
  OP(ORJ,       JMP,      "B",  'B', '-', "if top is true: jump, keep it; else pop") \
  OP(LOOP,      LST_JMP,  "",   '-', '-', "start loop over list; empty: jump past NEXT") \
  OP(NEXT,      LST_BACK, "",   '-', '-', "next item; more: jump back to loop body") \
  OP(CNT,       N0,       "IB", 'I', '-', "pop flag; accumulator += flag")     \
  OP(SUM_I,     N0,       "II", 'I', '-', "accumulator += value unless missing (checked)") \
  OP(SUM_F,     N0,       "FF", 'F', '-', "accumulator += value unless missing (range checked)") \
  OP(MIN_I,     N0,       "XX", 'X', '-', "accumulator = min(acc, value), missing skipped") \
  OP(MAX_I,     N0,       "XX", 'X', '-', "accumulator = max(acc, value), missing skipped") \
  OP(MIN_F,     N0,       "FF", 'F', '-', "accumulator = min(acc, value), missing skipped") \
  OP(MAX_F,     N0,       "FF", 'F', '-', "accumulator = max(acc, value), missing skipped") \
  OP(ANY,       N0,       "BB", 'B', '-', "accumulator = acc or flag")         \
  OP(ALL,       N0,       "BB", 'B', '-', "accumulator = acc and flag")        \
  OP(CNTR,      MET,      "B",  '-', 'I', "pop flag; register += flag (metric block)") \
  OP(SUMR_I,    MET,      "I",  '-', 'I', "pop value; register += value unless missing (checked)") \
  OP(SUMR_F,    MET,      "F",  '-', 'F', "pop value; register += value unless missing (range checked)") \
  OP(MINR_I,    MET,      "X",  '-', '=', "pop value; register = min(register, value), missing skipped") \
  OP(MAXR_I,    MET,      "X",  '-', '=', "pop value; register = max(register, value), missing skipped") \
  OP(MINR_F,    MET,      "F",  '-', 'F', "pop value; register = min(register, value), missing skipped") \
  OP(MAXR_F,    MET,      "F",  '-', 'F', "pop value; register = max(register, value), missing skipped") \
  OP(ANYR,      MET,      "B",  '-', 'B', "pop flag; register = register or flag") \
  OP(ALLR,      MET,      "B",  '-', 'B', "pop flag; register = register and flag") \
  OP(DCLEAR,    SET,      "",   '-', '-', "empty distinct-value set S")        \
  OP(DADD,      SET,      "A",  '-', '-', "add value to distinct set S unless missing") \
  OP(DADD_S,    SET,      "S",  '-', '-', "add text to distinct set S (by content) unless missing") \
  OP(DSIZE,     SET,      "",   'I', '-', "push number of values in distinct set S") \
  OP(RET,       N0,       "A",  '-', '-', "return top of stack")               \
  OP(END,       N0,       "",   '-', '-', "end of a block that returns nothing") \
  /* functions of values (src/func.c); appended, so that files of format 2     \
   * written before them keep their meaning.  D is the DIG operand: decimals   \
   * to keep in the value's own unit (for money, cents: floor is D = -2) */    \
  OP(MIN2_I,    N0,       "XX", 'X', '-', "the smaller of two values (missing if either is)") \
  OP(MAX2_I,    N0,       "XX", 'X', '-', "the larger of two values (missing if either is)") \
  OP(MIN2_F,    N0,       "FF", 'F', '-', "the smaller of two numbers (missing if either is)") \
  OP(MAX2_F,    N0,       "FF", 'F', '-', "the larger of two numbers (missing if either is)") \
  OP(ABS_I,     N0,       "I",  'I', '-', "absolute value of an integer")      \
  OP(ABS_F,     N0,       "F",  'F', '-', "absolute value of a number")        \
  OP(FLOOR_I,   DIG,      "I",  'I', '-', "round down to a multiple of 10^-D (checked)") \
  OP(CEIL_I,    DIG,      "I",  'I', '-', "round up to a multiple of 10^-D (checked)") \
  OP(ROUND_I,   DIG,      "I",  'I', '-', "round half away from zero to a multiple of 10^-D (checked)") \
  OP(FLOOR_F,   N0,       "F",  'F', '-', "round a number down to a whole number") \
  OP(CEIL_F,    N0,       "F",  'F', '-', "round a number up to a whole number") \
  OP(ROUND_F,   DIG,      "F",  'F', '-', "round half away from zero to D decimals (range checked)") \
  /* date functions and periods (src/period.h); P is the PER operand.  The   \
   * first and last days of a period are clamped to 0001-01-01 .. 9999-12-31; \
   * INPER clamps nothing */                                                     \
  OP(PSTART,    PER,      "D",  'D', '-', "first day of period P of the date")  \
  OP(PEND,      PER,      "D",  'D', '-', "last day of period P of the date")   \
  OP(YEAR,      N0,       "D",  'I', '-', "the date's year")                    \
  OP(MONTH,     N0,       "D",  'I', '-', "the date's month, 1 to 12")          \
  OP(DAYS,      N0,       "DD", 'I', '-', "days from the first date to the second") \
  OP(INPER,     PER,      "DD", 'B', '-', "the first date lies in period P of the second (missing -> false)") \
  /* median (SPEC 3.4.3): the numbers of a loop collected in a buffer sized \
   * for the record's longest list, sorted by MEDIAN (cost: op_cost) */      \
  OP(MCLEAR,    BUF,      "",   '-', '-', "empty median buffer B")             \
  OP(MADD,      BUF,      "F",  '-', '-', "add number to median buffer B unless missing") \
  OP(MEDIAN,    BUF,      "",   'F', '-', "push the median of buffer B (mean of the middle two; empty: none)") \
  OP(AVG,       N0,       "FI", 'F', '-', "number sum / integer count (count 0: none, not a division by zero)") \
  /* tier references (SPEC 3.5): only in a requirement, naming a block     \
   * earlier in the image's block order (verify.c) */                         \
  OP(HOLDS,     BLK,      "",   'B', '-', "the record's result holds block A (a tier: its ladder; a badge: held)") \
  OP(MEETS,     BLK,      "",   'B', '-', "block A's own requirements hold for the record") \
  /* explain code only (design2.md "values that decide"): a copy of the \
   * top value, which stays, into a trace slot; the stack is unchanged */ \
  OP(TRACE,     TRC,      "",   '-', '-', "copy the top value (not a number) into trace slot T") \
  OP(TRACE_F,   TRC,      "",   '-', '-', "copy the top number into trace slot T")

#define OPCODE_ENUM(name, f, in, out, reg, doc) OP_##name,
enum opcode { TIER_OPCODES(OPCODE_ENUM) OP__COUNT };
#undef OPCODE_ENUM

/* One opcode's facts, from the list above (op_info[op], src/opcodes.c). */
struct opinfo {
  const char *name;
  uint8_t fmt;            /* enum opnd */
  uint8_t pops, pushes;
  const char *in;         /* pops characters */
  char out, reg;
  const char *doc;
};
extern const struct opinfo op_info[OP__COUNT];

int op_noperands(int fmt);      /* u32 operands of a format: 0, 1 or 2 */
uint32_t op_size(int op);       /* bytes of an instruction: opcode and operands */
int op_cmp(int op);             /* CMP_* of a comparison (with a value or a
                                   constant), 0 for any other opcode */
uint32_t op_cost(int op);       /* steps one execution counts in the cost bound */

/* MEDIAN sorts its buffer by heapsort: at most 2n + 2n*log2(n) comparisons
 * for n < 2^32 numbers, so each MADD is charged the comparisons its number
 * can cost besides its own step (docs/bytecode.md, the cost bound). */
#define MEDIAN_STEPS_PER_VALUE 66

#endif
