// Private interface between native_runner.c, native_signals.c and trampoline.S.
#ifndef TINYVMX_NATIVE_INTERNAL_H
#define TINYVMX_NATIVE_INTERNAL_H

#include "tinyvmx_native.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TINYVMX_HIDDEN __attribute__((visibility("hidden")))

// Registers in and out of the snippet. trampoline.S hard-codes these offsets.
struct tinyvmx_ctx {
    uint64_t in_gpr[16];
    uint64_t in_rflags;
    uint64_t out_gpr[16];
    uint64_t out_rflags;
    uint64_t host_rsp;
    uint32_t host_mxcsr;
    uint16_t host_fcw;
    uint16_t padding;
};
_Static_assert(offsetof(struct tinyvmx_ctx, in_rflags) == 128, "trampoline.S layout");
_Static_assert(offsetof(struct tinyvmx_ctx, out_gpr) == 136, "trampoline.S layout");
_Static_assert(offsetof(struct tinyvmx_ctx, out_rflags) == 264, "trampoline.S layout");
_Static_assert(offsetof(struct tinyvmx_ctx, host_rsp) == 272, "trampoline.S layout");
_Static_assert(offsetof(struct tinyvmx_ctx, host_mxcsr) == 280, "trampoline.S layout");
_Static_assert(offsetof(struct tinyvmx_ctx, host_fcw) == 284, "trampoline.S layout");

TINYVMX_HIDDEN extern struct tinyvmx_ctx tinyvmx_native_ctx;
// Syscall User Dispatch selector: 1 (block) exactly while the snippet runs.
TINYVMX_HIDDEN extern volatile uint8_t tinyvmx_native_syscall_selector;
// trampoline.S
TINYVMX_HIDDEN void tinyvmx_native_enter(void);
TINYVMX_HIDDEN void tinyvmx_native_exit(void);

// native_signals.c: what tinyvmx_signals_install changed, for tinyvmx_signals_restore.
struct tinyvmx_signal_state {
    int mask_saved, stack_saved, timer_running, dispatch_on;
    size_t actions_saved;
    sigset_t mask;
    stack_t stack;
    timer_t timer;
};

// Unblocks and installs the fault handlers on an alternate stack, starts the
// CPU-time timer (if time_limit_usec > 0) and turns on the syscall guard.
TINYVMX_HIDDEN int tinyvmx_signals_install(struct tinyvmx_signal_state *state,
                                           uint64_t time_limit_usec, int32_t *error_number);
TINYVMX_HIDDEN void tinyvmx_signals_restore(struct tinyvmx_signal_state *state);
// Enters the snippet loaded in tinyvmx_native_ctx and fills `result`;
// `end_rip` is the RIP reported when it completes.
TINYVMX_HIDDEN void tinyvmx_signals_run(tinyvmx_native_result *result, uint64_t end_rip);

#endif
