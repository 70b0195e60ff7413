// Signals for one run: fault handlers on an alternate stack, the CPU-time
// limit, the syscall guard, and entering the snippet under sigsetjmp.
// Runs are serialized by native_runner.c, so the state here is global.
#define _GNU_SOURCE
#include "native_internal.h"

#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#endif

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
#define FAULT_SIGNAL_COUNT (sizeof fault_signals / sizeof fault_signals[0])
#define ALT_STACK_SIZE (64 * 1024)

TINYVMX_HIDDEN volatile uint8_t tinyvmx_native_syscall_selector;
static struct sigaction previous_actions[FAULT_SIGNAL_COUNT];
static _Alignas(16) uint8_t alt_stack[ALT_STACK_SIZE];
static sigjmp_buf fault_jump;
static tinyvmx_native_result *current_result;
static int timer_handler_installed;
static int have_fsgsbase = -1, have_pku;
static uint64_t host_fs_base, host_gs_base;
static uint32_t host_pkru;
static volatile sig_atomic_t in_snippet;
static volatile int run_generation;

static int timer_signal(void) { return SIGRTMIN + 6; }

// gregs index of each GPR in hardware order.
static const int greg_index[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void detect_features(void) {
    if (have_fsgsbase >= 0) return;
    have_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; // HWCAP2_FSGSBASE
    unsigned a, b, c, d;
    have_pku = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 4)); // OSPKE
}

// In a handler: is this the runner thread (the only one using alt_stack)
// inside the snippet? Makes no system call: the syscall guard may be on.
static int in_runner_snippet(void) {
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    return in_snippet && frame - (uintptr_t)alt_stack < ALT_STACK_SIZE;
}

static void save_host_state(void) {
    if (have_fsgsbase) __asm__ volatile("rdfsbase %0; rdgsbase %1" : "=r"(host_fs_base), "=r"(host_gs_base));
    if (have_pku) __asm__ volatile("rdpkru" : "=a"(host_pkru) : "c"(0) : "rdx");
}

// Undoes what the snippet may have changed in this thread before any code
// that makes system calls, uses TLS or does unaligned accesses: the syscall
// guard, FS/GS base (wrfsbase), PKRU (wrpkru), AC/DF/TF (popfq, std).
static void restore_host_state(void) {
    tinyvmx_native_syscall_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
    if (have_fsgsbase) __asm__ volatile("wrfsbase %0; wrgsbase %1" ::"r"(host_fs_base), "r"(host_gs_base) : "memory");
    if (have_pku) __asm__ volatile("wrpkru" ::"a"(host_pkru), "c"(0), "d"(0) : "memory");
    // Step over the red zone before pushing.
    __asm__ volatile("leaq -128(%%rsp), %%rsp; pushq $0x202; popfq; leaq 128(%%rsp), %%rsp" ::: "cc", "memory");
}

static void capture(const ucontext_t *uc, int signal, int status) {
    const greg_t *g = uc->uc_mcontext.gregs;
    tinyvmx_native_result *r = current_result;
    for (int i = 0; i < 16; i++) r->regs.gpr[i] = (uint64_t)g[greg_index[i]];
    r->regs.rip = (uint64_t)g[REG_RIP];
    r->regs.rflags = (uint64_t)g[REG_EFL];
    r->status = status;
    if (status != TINYVMX_STATUS_FAULT) return;
    r->signal = signal;
    // SIGSYS comes from the syscall guard, not from an exception.
    r->vector = signal == SIGSYS ? -1 : (int64_t)g[REG_TRAPNO];
    r->error_code = signal == SIGSYS ? 0 : (uint64_t)g[REG_ERR];
    r->fault_address = r->vector == 14 ? (uint64_t)g[REG_CR2] : 0;
}

static void fault_handler(int signal, siginfo_t *info, void *context) {
    (void)info;
    if (!in_runner_snippet()) {
        // Not the snippet's: give the signal back to the previous handler;
        // the faulting instruction runs again and faults into it.
        for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) {
            if (fault_signals[i] == signal) sigaction(signal, &previous_actions[i], NULL);
        }
        return;
    }
    restore_host_state();
    in_snippet = 0;
    capture(context, signal, TINYVMX_STATUS_FAULT);
    siglongjmp(fault_jump, 1);
}

// Installed once and kept, in case a tick is still pending after
// timer_delete. Stops the snippet only while it runs (selector set, RIP not
// yet at the exit); the timer is periodic, so a tick that lands in the
// trampoline is followed by another.
static void timer_handler(int signal, siginfo_t *info, void *context) {
    if (!in_runner_snippet()) return;
    int snippet_running = tinyvmx_native_syscall_selector == SYSCALL_DISPATCH_FILTER_BLOCK;
    tinyvmx_native_syscall_selector = SYSCALL_DISPATCH_FILTER_ALLOW; // sigreturn is a system call
    uint64_t rip = (uint64_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
    if (!snippet_running || rip == (uint64_t)(uintptr_t)&tinyvmx_native_exit) return;
    if (info->si_code != SI_TIMER || info->si_value.sival_int != run_generation) return;
    restore_host_state();
    in_snippet = 0;
    capture(context, signal, TINYVMX_STATUS_TIMED_OUT);
    siglongjmp(fault_jump, 1);
}

static int start_timer(struct tinyvmx_signal_state *state, uint64_t usec) {
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = timer_signal();
    event.sigev_value.sival_int = run_generation;
    event.sigev_notify_thread_id = gettid();
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &state->timer) != 0) return -1;
    struct timespec period = {.tv_sec = (time_t)(usec / 1000000), .tv_nsec = (long)(usec % 1000000) * 1000};
    struct itimerspec spec = {.it_interval = period, .it_value = period};
    if (timer_settime(state->timer, 0, &spec, NULL) != 0) {
        int saved = errno;
        timer_delete(state->timer);
        errno = saved;
        return -1;
    }
    state->timer_running = 1;
    return 0;
}

int tinyvmx_signals_install(struct tinyvmx_signal_state *state, uint64_t time_limit_usec,
                            int32_t *error_number) {
    memset(state, 0, sizeof *state);
    detect_features();
    run_generation++;
    // Swift's threads block most signals.
    sigset_t ours;
    sigemptyset(&ours);
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) sigaddset(&ours, fault_signals[i]);
    sigaddset(&ours, timer_signal());
    if ((errno = pthread_sigmask(SIG_UNBLOCK, &ours, &state->mask)) != 0) goto fail;
    state->mask_saved = 1;
    // RSP belongs to the snippet: signal frames go to alt_stack.
    stack_t stack = {.ss_sp = alt_stack, .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&stack, &state->stack) != 0) goto fail;
    state->stack_saved = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = fault_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&action.sa_mask);
    for (size_t i = 0; i < FAULT_SIGNAL_COUNT; i++) {
        if (sigaction(fault_signals[i], &action, &previous_actions[i]) != 0) goto fail;
        state->actions_saved = i + 1;
    }
    if (!timer_handler_installed) {
        action.sa_sigaction = timer_handler;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        if (sigaction(timer_signal(), &action, NULL) != 0) goto fail;
        timer_handler_installed = 1;
    }
    if (time_limit_usec > 0 && start_timer(state, time_limit_usec) != 0) goto fail;
    // Syscall User Dispatch (Linux 5.11+): while the selector is set, a
    // system call raises SIGSYS instead of running. Best effort.
    tinyvmx_native_syscall_selector = SYSCALL_DISPATCH_FILTER_ALLOW;
    state->dispatch_on = prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0UL, 0UL,
                               (unsigned long)(uintptr_t)&tinyvmx_native_syscall_selector) == 0;
    return 0;
fail:
    *error_number = errno;
    return TINYVMX_ERROR_SYSTEM_CALL;
}

void tinyvmx_signals_restore(struct tinyvmx_signal_state *state) {
    if (state->dispatch_on) prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0UL, 0UL, 0UL);
    if (state->timer_running) timer_delete(state->timer);
    for (size_t i = 0; i < state->actions_saved; i++) sigaction(fault_signals[i], &previous_actions[i], NULL);
    if (state->stack_saved) sigaltstack(&state->stack, NULL);
    if (state->mask_saved) pthread_sigmask(SIG_SETMASK, &state->mask, NULL);
}

void tinyvmx_signals_run(tinyvmx_native_result *result, uint64_t end_rip) {
    memset(result, 0, sizeof *result);
    current_result = result;
    save_host_state();
    if (sigsetjmp(fault_jump, 1) == 0) {
        in_snippet = 1;
        tinyvmx_native_enter();
        in_snippet = 0;
        restore_host_state();
        memcpy(result->regs.gpr, tinyvmx_native_ctx.out_gpr, sizeof result->regs.gpr);
        result->regs.rflags = tinyvmx_native_ctx.out_rflags;
        result->regs.rip = end_rip;
        result->status = TINYVMX_STATUS_COMPLETED;
    } else {
        // Back from a handler, which the kernel ran with a fresh FPU state.
        __asm__ volatile("fninit; ldmxcsr %0; fldcw %1" ::"m"(tinyvmx_native_ctx.host_mxcsr),
                         "m"(tinyvmx_native_ctx.host_fcw));
    }
}
