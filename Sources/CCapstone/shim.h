#ifndef TINYVMX_CCAPSTONE_SHIM_H
#define TINYVMX_CCAPSTONE_SHIM_H
#include <capstone/capstone.h>

/// The x86 part of an instruction's detail, reached through a pointer (cs_detail is ~1.8 KB: never copy it).
static inline const cs_x86 *tvx_cs_x86(const cs_insn *insn) { return &insn->detail->x86; }

/// Operand `i` of an x86 instruction, by pointer.
static inline const cs_x86_op *tvx_cs_x86_op(const cs_insn *insn, unsigned i) {
    return &insn->detail->x86.operands[i];
}
#endif
