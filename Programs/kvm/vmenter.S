/*
 * __vmx_vcpu_run(struct vcpu_vmx *vmx, unsigned long *regs, unsigned int flags) -> 0 after a VM exit,
 * 1 if VMLAUNCH/VMRESUME failed. Written for TinyVMX from the behaviour FACTS.md describes for Linux's
 * arch/x86/kvm/vmx/vmenter.S (not copied):
 *
 *   - save the callee-saved registers, keep vmx and regs on the stack;
 *   - write HOST_RSP with VMWRITE only when it differs from loaded_vmcs->host_state.rsp;
 *   - load the guest GPRs from regs[], VMRESUME if flags has VMX_RUN_VMRESUME, else VMLAUNCH;
 *   - a VM exit lands at vmx_vmexit (the VMCS HOST_RIP, set by the harness) with RSP = HOST_RSP: store the
 *     guest GPRs back into regs[], clear them from the CPU, return 0;
 *   - VM-fail (the instruction falls through): return 1.
 *
 * CR2 is not touched here: only vmx_vcpu_enter_exit reads or writes it.
 * Comments are C-style: this file goes through the C preprocessor.
 */
#include "kvm_lab.h"

#define REG(n) (8 * VCPU_REGS_##n)

        .text
        .globl __vmx_vcpu_run
        .type __vmx_vcpu_run, @function
__vmx_vcpu_run:
        push %rbp
        mov %rsp, %rbp
        push %r15
        push %r14
        push %r13
        push %r12
        push %rbx
        push %rdi                       /* vmx, for the exit path */
        push %rsi                       /* regs: the exit path finds it at (%rsp) */
        mov %edx, %ebx                  /* flags */

        /* HOST_RSP = RSP, written only when loaded_vmcs->host_state.rsp is stale. */
        mov VMX_LOADED_VMCS(%rdi), %rax
        cmp %rsp, LOADED_VMCS_HOST_RSP(%rax)
        je 1f
        mov %rsp, LOADED_VMCS_HOST_RSP(%rax)
        mov $KVM_VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        jbe .Lvmfail_before_load        /* VMWRITE failed (CF or ZF): nothing loaded yet */
1:
        /* Guest GPRs from regs[]; RAX last since it holds the pointer. MOVs keep the flags. */
        mov %rsi, %rax
        test $VMX_RUN_VMRESUME, %ebx
        mov REG(RCX)(%rax), %rcx
        mov REG(RDX)(%rax), %rdx
        mov REG(RBX)(%rax), %rbx
        mov REG(RBP)(%rax), %rbp
        mov REG(RSI)(%rax), %rsi
        mov REG(RDI)(%rax), %rdi
        mov 8*8(%rax), %r8
        mov 8*9(%rax), %r9
        mov 8*10(%rax), %r10
        mov 8*11(%rax), %r11
        mov 8*12(%rax), %r12
        mov 8*13(%rax), %r13
        mov 8*14(%rax), %r14
        mov 8*15(%rax), %r15
        mov REG(RAX)(%rax), %rax
        jz .Lvmlaunch
        .globl kvm_vmresume_insn
kvm_vmresume_insn:
        vmresume
        jmp .Lvmfail
.Lvmlaunch:
        .globl kvm_vmlaunch_insn
kvm_vmlaunch_insn:
        vmlaunch
        jmp .Lvmfail

/* HOST_RIP. RSP = HOST_RSP: regs at (%rsp), vmx at 8(%rsp). Every GPR but RSP holds the guest's value. */
        .globl vmx_vmexit
        .type vmx_vmexit, @function
vmx_vmexit:
        push %rax
        mov 8(%rsp), %rax               /* regs */
        popq REG(RAX)(%rax)
        mov %rcx, REG(RCX)(%rax)
        mov %rdx, REG(RDX)(%rax)
        mov %rbx, REG(RBX)(%rax)
        mov %rbp, REG(RBP)(%rax)
        mov %rsi, REG(RSI)(%rax)
        mov %rdi, REG(RDI)(%rax)
        mov %r8, 8*8(%rax)
        mov %r9, 8*9(%rax)
        mov %r10, 8*10(%rax)
        mov %r11, 8*11(%rax)
        mov %r12, 8*12(%rax)
        mov %r13, 8*13(%rax)
        mov %r14, 8*14(%rax)
        mov %r15, 8*15(%rax)
        xor %ebx, %ebx                  /* return 0 */
        jmp .Lclear_regs

.Lvmfail:
        /* The guest's GPRs were loaded but the guest never ran: drop them. */
        mov $1, %ebx
.Lclear_regs:
        /* Do not leave guest values in registers the host will not overwrite. */
        xor %eax, %eax
        xor %ecx, %ecx
        xor %edx, %edx
        xor %esi, %esi
        xor %edi, %edi
        xor %r8d, %r8d
        xor %r9d, %r9d
        xor %r10d, %r10d
        xor %r11d, %r11d
        /* r12-r15 and rbp are restored below. */
        add $16, %rsp                   /* regs, vmx */
        mov %ebx, %eax
        pop %rbx
        pop %r12
        pop %r13
        pop %r14
        pop %r15
        pop %rbp
        ret

.Lvmfail_before_load:
        mov $1, %ebx
        jmp .Lclear_regs
        .size __vmx_vcpu_run, . - __vmx_vcpu_run
