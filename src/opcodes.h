/*
 * opcodes.h - the one list of tierc's VM instructions.
 *
 * Each entry is OP(name, operands, pops, pushes, in, out, meaning):
 *   operands  how many u32 operands follow the opcode byte in the file and
 *             what each one is (see enum opnd in tier_int.h);
 *   pops/pushes  the stack effect, checked by the verifier;
 *   in/out    the value class of the popped operands and of the result
 *             (I = 64-bit integer-like: int, money, date, enum, bool;
 *              F = number, an exact fraction (src/num.h) kept in the VM's
 *                  number stack and number registers beside the 64-bit ones;
 *              S = text handle; A = I or S; K, R, M = the class of the
 *              constant, record slot or register named, never F: numbers
 *              move with the _F instructions);
 *   meaning   one line, printed by `tierc disasm --opcodes`.
 *
 * Everything else - the enum, the names, the verifier's tables, the
 * disassembler and the VM's dispatch table - is generated from this list.
 * A value that may be missing (an optional field, min/max of an empty list,
 * a division by zero) is TIER_NONE for class I and S, none for class F.
 * Number arithmetic is exact; a result outside the range of src/num.h is
 * a run-time error of the record, as an integer overflow is.
 */
#define TIER_OPCODES(OP)                                                       \
  OP(NOP,       N0,       0, 0, '-', '-', "do nothing")                        \
  OP(PUSH,      K,        0, 1, '-', 'K', "push constant K")                   \
  OP(PUSH_F,    K,        0, 1, '-', 'F', "push number constant K")            \
  OP(FIELD,     FLD,      0, 1, '-', 'R', "push top-level record field")       \
  OP(FIELD_F,   FLD,      0, 1, '-', 'F', "push top-level number field")       \
  OP(ITEM,      ITM,      0, 1, '-', 'R', "push field of the current list item") \
  OP(ITEM_F,    ITM,      0, 1, '-', 'F', "push number field of the current list item") \
  OP(METRIC,    MET,      0, 1, '-', 'M', "push metric register")              \
  OP(METRIC_F,  MET,      0, 1, '-', 'F', "push number register")              \
  OP(SETMETRIC, MET,      1, 0, 'M', '-', "pop into metric register")          \
  OP(SETMETRIC_F, MET,    1, 0, 'F', '-', "pop into number register")          \
  OP(ASOF,      N0,       0, 1, '-', 'I', "push the evaluation date")          \
  OP(NOT,       N0,       1, 1, 'I', 'I', "boolean not (missing -> false)")    \
  OP(BOOL,      N0,       1, 1, 'I', 'I', "true stays true; false or missing -> false") \
  OP(NEG_I,     N0,       1, 1, 'I', 'I', "negate integer (checked)")          \
  OP(NEG_F,     N0,       1, 1, 'F', 'F', "negate number")                     \
  OP(ADD_I,     N0,       2, 1, 'I', 'I', "add integers (checked)")            \
  OP(SUB_I,     N0,       2, 1, 'I', 'I', "subtract integers (checked)")       \
  OP(MUL_I,     N0,       2, 1, 'I', 'I', "multiply integers (checked)")       \
  OP(ADD_F,     N0,       2, 1, 'F', 'F', "add numbers (exact, range checked)") \
  OP(SUB_F,     N0,       2, 1, 'F', 'F', "subtract numbers (exact, range checked)") \
  OP(MUL_F,     N0,       2, 1, 'F', 'F', "multiply numbers (exact, range checked)") \
  OP(DIV_F,     N0,       2, 1, 'F', 'F', "divide numbers (exact, range checked; by zero: none)") \
  OP(I2F,       N0,       1, 1, 'I', 'F', "integer to number")                 \
  OP(M2F,       N0,       1, 1, 'I', 'F', "money (cents) to number (units)")   \
  OP(I2M,       N0,       1, 1, 'I', 'I', "integer units to money cents")      \
  OP(EQ_I,      N0,       2, 1, 'I', 'I', "integers equal (missing -> false)") \
  OP(NE_I,      N0,       2, 1, 'I', 'I', "integers differ (missing -> false)") \
  OP(LT_I,      N0,       2, 1, 'I', 'I', "integer less than")                 \
  OP(LE_I,      N0,       2, 1, 'I', 'I', "integer less or equal")             \
  OP(GT_I,      N0,       2, 1, 'I', 'I', "integer greater than")              \
  OP(GE_I,      N0,       2, 1, 'I', 'I', "integer greater or equal")          \
  OP(EQK_I,     K,        1, 1, 'I', 'I', "integer equals constant K (missing -> false)") \
  OP(NEK_I,     K,        1, 1, 'I', 'I', "integer differs from constant K (missing -> false)") \
  OP(LTK_I,     K,        1, 1, 'I', 'I', "integer less than constant K")      \
  OP(LEK_I,     K,        1, 1, 'I', 'I', "integer less or equal constant K")  \
  OP(GTK_I,     K,        1, 1, 'I', 'I', "integer greater than constant K")   \
  OP(GEK_I,     K,        1, 1, 'I', 'I', "integer greater or equal constant K") \
  OP(EQ_F,      N0,       2, 1, 'F', 'I', "numbers equal")                     \
  OP(NE_F,      N0,       2, 1, 'F', 'I', "numbers differ")                    \
  OP(LT_F,      N0,       2, 1, 'F', 'I', "number less than")                  \
  OP(LE_F,      N0,       2, 1, 'F', 'I', "number less or equal")              \
  OP(GT_F,      N0,       2, 1, 'F', 'I', "number greater than")               \
  OP(GE_F,      N0,       2, 1, 'F', 'I', "number greater or equal")           \
  OP(EQ_S,      N0,       2, 1, 'S', 'I', "texts equal (bytewise)")            \
  OP(NE_S,      N0,       2, 1, 'S', 'I', "texts differ")                      \
  OP(LT_S,      N0,       2, 1, 'S', 'I', "text sorts before")                 \
  OP(LE_S,      N0,       2, 1, 'S', 'I', "text sorts before or equal")        \
  OP(GT_S,      N0,       2, 1, 'S', 'I', "text sorts after")                  \
  OP(GE_S,      N0,       2, 1, 'S', 'I', "text sorts after or equal")         \
  OP(ISNONE,    N0,       1, 1, 'A', 'I', "integer or text value is missing")  \
  OP(ISNONE_F,  N0,       1, 1, 'F', 'I', "number is missing")                 \
  OP(INSET,     K,        1, 1, 'I', 'I', "enum ordinal is in bit set K")      \
  OP(ADDMON,    MON,      1, 1, 'I', 'I', "date plus signed months, clamped to month end") \
  OP(ADDDAY,    DAY,      1, 1, 'I', 'I', "date plus signed days")             \
  OP(WITHIN_M,  MON,      1, 1, 'I', 'I', "asof - months < date <= asof")      \
  OP(WITHIN_D,  DAY,      1, 1, 'I', 'I', "asof - days < date <= asof")        \
  OP(JUMP,      JMP,      0, 0, '-', '-', "jump forward")                      \
  OP(JFR,       MET_JMP,  0, 0, '-', '-', "jump forward unless register is true") \
  OP(JNEQK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it equals constant K") \
  OP(JNNEK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it differs from constant K") \
  OP(JNLTK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it is less than constant K") \
  OP(JNLEK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it is at most constant K") \
  OP(JNGTK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it is greater than constant K") \
  OP(JNGEK_I,   K_JMP,    1, 0, 'I', '-', "pop; jump forward unless it is at least constant K") \
  OP(INCR,      MET,      0, 0, '-', '-', "register += 1 (metric block)")      \
  OP(JUMPF,     JMP,      1, 0, 'I', '-', "pop; jump forward unless true")     \
  OP(ANDJ,      JMP,      1, 1, 'I', 'I', "if top is not true: jump, keep false; else pop") \
  OP(ORJ,       JMP,      1, 1, 'I', 'I', "if top is true: jump, keep it; else pop") \
  OP(LOOP,      LST_JMP,  0, 0, '-', '-', "start loop over list; empty: jump past NEXT") \
  OP(NEXT,      LST_BACK, 0, 0, '-', '-', "next item; more: jump back to loop body") \
  OP(CNT,       N0,       2, 1, 'I', 'I', "pop flag; accumulator += flag")     \
  OP(SUM_I,     N0,       2, 1, 'I', 'I', "accumulator += value unless missing (checked)") \
  OP(SUM_F,     N0,       2, 1, 'F', 'F', "accumulator += value unless missing (range checked)") \
  OP(MIN_I,     N0,       2, 1, 'I', 'I', "accumulator = min(acc, value), missing skipped") \
  OP(MAX_I,     N0,       2, 1, 'I', 'I', "accumulator = max(acc, value), missing skipped") \
  OP(MIN_F,     N0,       2, 1, 'F', 'F', "accumulator = min(acc, value), missing skipped") \
  OP(MAX_F,     N0,       2, 1, 'F', 'F', "accumulator = max(acc, value), missing skipped") \
  OP(ANY,       N0,       2, 1, 'I', 'I', "accumulator = acc or flag")         \
  OP(ALL,       N0,       2, 1, 'I', 'I', "accumulator = acc and flag")        \
  OP(CNTR,      MET,      1, 0, 'I', '-', "pop flag; register += flag (metric block)") \
  OP(SUMR_I,    MET,      1, 0, 'I', '-', "pop value; register += value unless missing (checked)") \
  OP(SUMR_F,    MET,      1, 0, 'F', '-', "pop value; register += value unless missing (range checked)") \
  OP(MINR_I,    MET,      1, 0, 'I', '-', "pop value; register = min(register, value), missing skipped") \
  OP(MAXR_I,    MET,      1, 0, 'I', '-', "pop value; register = max(register, value), missing skipped") \
  OP(MINR_F,    MET,      1, 0, 'F', '-', "pop value; register = min(register, value), missing skipped") \
  OP(MAXR_F,    MET,      1, 0, 'F', '-', "pop value; register = max(register, value), missing skipped") \
  OP(ANYR,      MET,      1, 0, 'I', '-', "pop flag; register = register or flag") \
  OP(ALLR,      MET,      1, 0, 'I', '-', "pop flag; register = register and flag") \
  OP(DCLEAR,    SET,      0, 0, '-', '-', "empty distinct-value set S")        \
  OP(DADD,      SET,      1, 0, 'A', '-', "add value to distinct set S unless missing") \
  OP(DADD_S,    SET,      1, 0, 'S', '-', "add text to distinct set S (by content) unless missing") \
  OP(DSIZE,     SET,      0, 1, '-', 'I', "push number of values in distinct set S") \
  OP(RET,       N0,       1, 0, 'A', '-', "return top of stack")               \
  OP(END,       N0,       0, 0, '-', '-', "end of a block that returns nothing")
