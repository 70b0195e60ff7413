// Entry and exit trampolines of the host-CPU oracle (see native_signals.c).
//
// tinyvmx_native_enter() saves the host's callee-saved registers and stack
// pointer, loads RFLAGS and all 16 GPRs (RSP included) from
// tinyvmx_native_ctx and jumps to the snippet at 0x60000000. The snippet's
// appended "jmp *disp(%rip)" to an aligned ".quad tinyvmx_native_exit" brings it to
// tinyvmx_native_exit, which stores all GPRs before touching anything, then
// switches back to the host stack, saves RFLAGS and returns to the caller.
// The syscall guard's selector is set exactly between the two.

// Layout of struct tinyvmx_ctx in native_internal.h (checked there).
#define IN_GPR      0
#define IN_RFLAGS   128
#define OUT_GPR     136
#define OUT_RFLAGS  264
#define HOST_RSP    272
#define HOST_MXCSR  280
#define HOST_FCW    284

#define CTX tinyvmx_native_ctx

    .hidden CTX
    .hidden tinyvmx_native_syscall_selector

    .section .rodata
    .balign 8
snippet_entry:
    .quad 0x60000000
default_mxcsr:
    .long 0x1f80

    .text

// void tinyvmx_native_enter(void)
    .globl tinyvmx_native_enter
    .hidden tinyvmx_native_enter
    .type tinyvmx_native_enter, @function
tinyvmx_native_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    leaq CTX(%rip), %rax
    movq %rsp, HOST_RSP(%rax)
    stmxcsr HOST_MXCSR(%rax)
    fnstcw HOST_FCW(%rax)
    // Deterministic FPU/SSE state: default control words, XMM0-15 zero.
    fninit
    ldmxcsr default_mxcsr(%rip)
    pxor %xmm0, %xmm0
    pxor %xmm1, %xmm1
    pxor %xmm2, %xmm2
    pxor %xmm3, %xmm3
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    pxor %xmm8, %xmm8
    pxor %xmm9, %xmm9
    pxor %xmm10, %xmm10
    pxor %xmm11, %xmm11
    pxor %xmm12, %xmm12
    pxor %xmm13, %xmm13
    pxor %xmm14, %xmm14
    pxor %xmm15, %xmm15
    // Flags first, through the host stack (never the data region); the movs
    // below leave them alone.
    pushq IN_RFLAGS(%rax)
    popfq
    movq IN_GPR+1*8(%rax), %rcx
    movq IN_GPR+2*8(%rax), %rdx
    movq IN_GPR+3*8(%rax), %rbx
    movq IN_GPR+4*8(%rax), %rsp
    movq IN_GPR+5*8(%rax), %rbp
    movq IN_GPR+6*8(%rax), %rsi
    movq IN_GPR+7*8(%rax), %rdi
    movq IN_GPR+8*8(%rax), %r8
    movq IN_GPR+9*8(%rax), %r9
    movq IN_GPR+10*8(%rax), %r10
    movq IN_GPR+11*8(%rax), %r11
    movq IN_GPR+12*8(%rax), %r12
    movq IN_GPR+13*8(%rax), %r13
    movq IN_GPR+14*8(%rax), %r14
    movq IN_GPR+15*8(%rax), %r15
    movq IN_GPR+0*8(%rax), %rax
    movb $1, tinyvmx_native_syscall_selector(%rip)  // syscall guard on
    jmp *snippet_entry(%rip)
    .size tinyvmx_native_enter, .-tinyvmx_native_enter

// Reached from the snippet's appended return sequence, with every register
// and flag as the snippet left them.
    .globl tinyvmx_native_exit
    .hidden tinyvmx_native_exit
    .type tinyvmx_native_exit, @function
tinyvmx_native_exit:
    movb $0, tinyvmx_native_syscall_selector(%rip)  // syscall guard off
    movq %rax, CTX+OUT_GPR+0*8(%rip)
    movq %rcx, CTX+OUT_GPR+1*8(%rip)
    movq %rdx, CTX+OUT_GPR+2*8(%rip)
    movq %rbx, CTX+OUT_GPR+3*8(%rip)
    movq %rsp, CTX+OUT_GPR+4*8(%rip)
    movq %rbp, CTX+OUT_GPR+5*8(%rip)
    movq %rsi, CTX+OUT_GPR+6*8(%rip)
    movq %rdi, CTX+OUT_GPR+7*8(%rip)
    movq %r8, CTX+OUT_GPR+8*8(%rip)
    movq %r9, CTX+OUT_GPR+9*8(%rip)
    movq %r10, CTX+OUT_GPR+10*8(%rip)
    movq %r11, CTX+OUT_GPR+11*8(%rip)
    movq %r12, CTX+OUT_GPR+12*8(%rip)
    movq %r13, CTX+OUT_GPR+13*8(%rip)
    movq %r14, CTX+OUT_GPR+14*8(%rip)
    movq %r15, CTX+OUT_GPR+15*8(%rip)
    // Back on the host stack before pushfq.
    movq CTX+HOST_RSP(%rip), %rsp
    pushfq
    popq CTX+OUT_RFLAGS(%rip)
    // Host ABI state: DF, AC and TF clear; FPU and MXCSR as before.
    pushq $0x202
    popfq
    fninit
    ldmxcsr CTX+HOST_MXCSR(%rip)
    fldcw CTX+HOST_FCW(%rip)
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size tinyvmx_native_exit, .-tinyvmx_native_exit

    .section .note.GNU-stack,"",@progbits
