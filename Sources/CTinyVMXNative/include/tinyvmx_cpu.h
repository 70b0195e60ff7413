#ifndef TINYVMX_CPU_H
#define TINYVMX_CPU_H
#include <stdint.h>

/// The architectural register file, laid out once in C so Swift and generated native code agree on offsets.
/// GPRs are in hardware encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15.
typedef struct tvx_cpu_state {
    uint64_t gpr[16];
    uint64_t rip;
    uint64_t rflags;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t fs_base, gs_base, kernel_gs_base;
    /// The deterministic time-stamp counter RDTSC reads.
    uint64_t tsc;
    /// System state (not touched by unprivileged code): DR7, XCR0, descriptor-table registers, the task
    /// register's base, and the segment selectors. CPL is CS's low two bits.
    uint64_t dr7, xcr0;
    uint64_t gdtr_base, idtr_base, tr_base;
    uint32_t gdtr_limit, idtr_limit, tr_limit;
    uint16_t cs, ss, ds, es, fs, gs, tr, ldtr;
} tvx_cpu_state;

#endif
