/*
 * opcodes.c - the opcode table, built from the list in opcodes.h (as Lua's
 * lopcodes.c builds its tables from lopcodes.h).  Nothing else here: the
 * reader, the verifier, the disassembler and the VM all look opcodes up in
 * this one table.
 */
#include "tier_int.h"

#define OPINFO(name, f, in, out, reg, doc) {#name, f, sizeof(in) - 1, (out) != '-', in, out, reg, doc},
const struct opinfo op_info[OP__COUNT] = {TIER_OPCODES(OPINFO)};
#undef OPINFO

int op_noperands(int fmt) {
  switch (fmt) {
  case N0: return 0;
  case LST_JMP: case LST_BACK: case K_JMP: case MET_JMP: return 2;
  default: return 1;
  }
}

uint32_t op_size(int op) { return 1 + 4 * (uint32_t)op_noperands(op_info[op].fmt); }

/* The comparisons come in runs of six, in the order of CMP_EQ .. CMP_GE
 * (codegen relies on it too); each run starts at one of these opcodes. */
int op_cmp(int op) {
  static const int runs[] = {OP_EQ_I, OP_EQK_I, OP_EQ_F, OP_EQ_S};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
    if (op >= runs[i] && op < runs[i] + 6) return CMP_EQ + (op - runs[i]);
  return 0;
}

/* One step per instruction, but for MADD, which also pays for its number's
 * share of the sort MEDIAN does (opcodes.h). */
uint32_t op_cost(int op) { return op == OP_MADD ? 1 + MEDIAN_STEPS_PER_VALUE : 1; }
