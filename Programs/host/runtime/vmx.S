/* ---------------------------------------------------------------- VMX support (vmx.S)
 *
 * A VMX library for test programs, included after the runtime:
 *
 *     #include "../host/runtime.S"
 *     #include "../host/runtime/vmx.S"
 *
 * It is not part of runtime.S, so the system programs keep their layout. Everything here is described in
 * Programs/host/README.md ("VMX support"). Functions follow the SysV ABI; they clobber rax, rcx, rdx, rsi and
 * rdi at most, and never r8-r15, rbx or rbp (vmx_run keeps every register but rax).
 *
 * The VMCS built by vmcs_setup is a copy of the running host: the guest runs the same code in the same
 * address space (same CR3, GDT, IDT, TSS), at CPL 0, in 64-bit mode, with RFLAGS 0x2 (IF clear). A VM exit
 * lands at vmx_exit_landing inside vmx_run, which stores the guest GPRs in guest_regs and returns 0.
 */
#include "vmx.h"

/* VMX_STATUS: right after a VMX instruction, EAX = VMX_OK / VMX_FAIL_INVALID (CF) / VMX_FAIL_VALID (ZF).
 * Reads the flags before changing them. */
.macro VMX_STATUS
        mov $VMX_FAIL_INVALID, %eax
        jc 1001f
        mov $VMX_FAIL_VALID, %eax
        jz 1001f
        xor %eax, %eax
1001:
.endm

/* VMWRITE_IMM field, imm: VMWRITE of a constant (or a link-time symbol). Clobbers RAX, RDX and RFLAGS
 * (the VMX status is left in the flags: CF/ZF). */
.macro VMWRITE_IMM field, imm
        mov $\field, %eax
        mov $\imm, %rdx
        vmwrite %rdx, %rax
.endm

/* VMREAD_TO field, dst: dst = VMCS field (dst a 64-bit register other than RAX). Clobbers RAX. */
.macro VMREAD_TO field, dst
        mov $\field, %eax
        vmread %rax, \dst
.endm

/* Test conveniences (each a call; they clobber rax, rcx, rdx, rsi, rdi at most):
 *   VMCS_WRITE field, value     vmwrite_field(field, value)          (value: immediate or symbol)
 *   VMCS_SET field, bits        vmcs_or(field, bits)
 *   VMCS_CLEAR field, bits      vmcs_andn(field, bits)
 *   VMCS_READ field, dst        dst = vmread_field(field)            (dst: any 64-bit register)
 *   VMX_RUN resume, dst         dst = vmx_run(resume) as 0 (VM exit) / 1 / 2 | error << 8 (VMfailValid)
 *   VMCS_SETUP guest_rip        vmcs_setup(vmcs_region, guest_rip, guest_stack_top)
 */
.macro VMCS_WRITE field, value
        mov $\field, %edi
        mov $\value, %rsi
        call vmwrite_field
.endm
.macro VMCS_SET field, bits
        mov $\field, %edi
        mov $\bits, %rsi
        call vmcs_or
.endm
.macro VMCS_CLEAR field, bits
        mov $\field, %edi
        mov $\bits, %rsi
        call vmcs_andn
.endm
.macro VMCS_READ field, dst
        mov $\field, %edi
        call vmread_field
        mov %rax, \dst
.endm
.macro VMX_RUN resume, dst
        mov $\resume, %edi
        call vmx_run
        cmp $VMX_FAIL_VALID, %eax
        jne 1002f
        mov $VMCS_VM_INSTRUCTION_ERROR, %ecx
        vmread %rcx, %rcx
        shl $8, %rcx
        or %rcx, %rax
1002:   mov %rax, \dst
.endm
.macro VMCS_SETUP guest_rip
        mov $vmcs_region, %edi
        mov $\guest_rip, %esi
        xor %edx, %edx
        call vmcs_setup
.endm

        .text

/* vmx_revision_id() -> eax = bits 30:0 of IA32_VMX_BASIC. Clobbers rcx, rdx. */
        .globl vmx_revision_id
vmx_revision_id:
        mov $MSR_IA32_VMX_BASIC, %ecx
        rdmsr
        and $0x7fffffff, %eax
        ret

/* vmx_flags_result(): call it right after a VMX instruction (CALL keeps the flags). Returns
 * 0 (VMsucceed), 1 (VMfailInvalid) or 2 | error << 8 (VMfailValid, error = VM-instruction error field).
 * Clobbers rax only. */
        .globl vmx_flags_result
vmx_flags_result:
        jc 1f
        jz 2f
        xor %eax, %eax
        ret
1:      mov $VMX_FAIL_INVALID, %eax
        ret
2:      mov $VMCS_VM_INSTRUCTION_ERROR, %eax
        vmread %rax, %rax
        shl $8, %rax
        or $VMX_FAIL_VALID, %rax
        ret

/* vmx_on(): CR4.VMXE = 1, revision id into vmxon_region, VMXON [vmxon_ptr]. Returns the VMX status
 * (0 / 1 / 2). */
        .globl vmx_on
vmx_on:
        mov %cr4, %rax
        or $CR4_VMXE, %rax
        mov %rax, %cr4
        call vmx_revision_id
        mov %eax, vmxon_region
        .globl vmx_vmxon_insn
vmx_vmxon_insn:
        vmxon vmxon_ptr
        VMX_STATUS
        ret

/* vmx_off(): VMXOFF, then CR4.VMXE = 0. Returns the VMX status of VMXOFF. */
        .globl vmx_off
vmx_off:
        vmxoff
        VMX_STATUS
        mov %cr4, %rcx
        and $~CR4_VMXE, %rcx
        mov %rcx, %cr4
        ret

/* vmread_field(encoding) -> rax = field value (0 on failure); the status goes to vmx_last_status. */
        .globl vmread_field
vmread_field:
        xor %eax, %eax
        vmread %rdi, %rax
        mov $VMX_FAIL_INVALID, %ecx
        jc 1f
        mov $VMX_FAIL_VALID, %ecx
        jz 1f
        xor %ecx, %ecx
1:      mov %rcx, vmx_last_status
        ret

/* vmwrite_field(encoding, value) -> eax = VMX status. */
        .globl vmwrite_field
vmwrite_field:
        vmwrite %rsi, %rdi
        VMX_STATUS
        mov %rax, vmx_last_status
        ret

/* vmcs_or(encoding, bits) / vmcs_andn(encoding, bits): read-modify-write of a field. Return the status of
 * the VMWRITE. */
        .globl vmcs_or
vmcs_or:
        vmread %rdi, %rax
        or %rax, %rsi
        jmp vmwrite_field
        .globl vmcs_andn
vmcs_andn:
        vmread %rdi, %rax
        not %rsi
        and %rax, %rsi
        jmp vmwrite_field

/* vmx_skip_instruction(): GUEST_RIP += VM-exit instruction length (after an instruction-caused exit). */
        .globl vmx_skip_instruction
vmx_skip_instruction:
        mov $VMCS_EXIT_INSTRUCTION_LEN, %eax
        vmread %rax, %rcx
        mov $VMCS_GUEST_RIP, %eax
        vmread %rax, %rdx
        add %rcx, %rdx
        vmwrite %rdx, %rax
        VMX_STATUS
        ret

/* vmx_exit_reason() -> rax = VMCS_EXIT_REASON */
        .globl vmx_exit_reason
vmx_exit_reason:
        mov $VMCS_EXIT_REASON, %ecx
        vmread %rcx, %rax
        ret

/* vmx_clear_guest_regs(): guest_regs = 0 */
        .globl vmx_clear_guest_regs
vmx_clear_guest_regs:
        xor %eax, %eax
        mov $16, %ecx
        mov $guest_regs, %edi
        rep stosq
        ret

/* iret_to_self(): IRETQ to the next instruction at CPL 0 (same stack), as Linux iret_to_self: ends the
 * NMI blocking that a VM exit due to an NMI leaves behind. Clobbers rax. */
        .globl iret_to_self
iret_to_self:
        mov %rsp, %rax
        pushq $KERNEL_DS
        push %rax
        pushfq
        pushq $KERNEL_CS
        pushq $iret_to_self_done
        .globl iret_to_self_iretq
iret_to_self_iretq:
        iretq
        .globl iret_to_self_done
iret_to_self_done:
        ret

/*
 * vmcs_setup(vmcs %rdi, guest_rip %rsi, guest_rsp %rdx): revision id into the region, VMCLEAR, VMPTRLD,
 * then VMWRITE a complete valid VMCS (see the README). guest_rsp 0 means guest_stack_top.
 * Returns 0, or the VMX status (1 / 2) of the first failing step (VMCLEAR, VMPTRLD or a VMWRITE).
 */
/* VMW field, src: VMWRITE src (register or memory) into field; on VMfail jump to the failure exit.
 * Uses R15 for the encoding. */
.macro VMW field, src
        mov $\field, %r15d
        vmwrite \src, %r15
        jbe vmcs_setup_failed
.endm
.macro VMWI field, imm
        mov $\imm, %rax
        VMW \field, %rax
.endm
/* VMW_MSR field, msr: VMWRITE the 64-bit value of an MSR */
.macro VMW_MSR field, msr
        mov $\msr, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        VMW \field, %rax
.endm
/* VMW_CTLS field, true_msr, extra: VMWRITE the allowed-0 bits (bits 31:0 of the TRUE MSR) | extra */
.macro VMW_CTLS field, msr, extra
        mov $\msr, %ecx
        rdmsr
        or $\extra, %eax
        VMW \field, %rax
.endm

        .globl vmcs_setup
vmcs_setup:
        push %rbp
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, %rbp
        mov %rdi, %rbx                  // rbx = VMCS region
        mov %rsi, %r12                  // r12 = guest RIP
        mov %rdx, %r13                  // r13 = guest RSP
        test %r13, %r13
        jnz 1f
        mov $guest_stack_top, %r13d
1:      call vmx_revision_id
        mov %eax, (%rbx)
        mov %rbx, vmx_setup_ptr
        vmclear vmx_setup_ptr
        jbe vmcs_setup_failed
        vmptrld vmx_setup_ptr
        jbe vmcs_setup_failed
        jmp vmcs_fill_body

/* vmcs_fill(guest_rip %rdi, guest_rsp %rsi): the VMWRITE part of vmcs_setup, on the current VMCS (for a VMCS
 * the caller loaded itself, e.g. one outside the identity map). Returns 0 or the failing VMWRITE's status. */
        .globl vmcs_fill
vmcs_fill:
        push %rbp
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, %rbp
        mov %rdi, %r12
        mov %rsi, %r13
        test %r13, %r13
        jnz vmcs_fill_body
        mov $guest_stack_top, %r13d
vmcs_fill_body:
        /* ---- VM-execution, VM-exit and VM-entry controls */
        VMW_CTLS VMCS_PIN_CONTROLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0
        VMW_CTLS VMCS_PROC_CONTROLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0
        VMWI VMCS_PROC_CONTROLS2, 0
        VMW_CTLS VMCS_EXIT_CONTROLS, MSR_IA32_VMX_TRUE_EXIT_CTLS, EXIT_HOST_ADDR_SPACE_SIZE
        VMW_CTLS VMCS_ENTRY_CONTROLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS, ENTRY_IA32E_MODE_GUEST
        VMWI VMCS_EXCEPTION_BITMAP, 0
        VMWI VMCS_PF_ERROR_MASK, 0
        VMWI VMCS_PF_ERROR_MATCH, 0
        VMWI VMCS_CR3_TARGET_COUNT, 0
        VMWI VMCS_EXIT_MSR_STORE_COUNT, 0
        VMWI VMCS_EXIT_MSR_LOAD_COUNT, 0
        VMWI VMCS_ENTRY_MSR_LOAD_COUNT, 0
        VMWI VMCS_ENTRY_INTR_INFO, 0
        VMWI VMCS_ENTRY_EXCEPTION_ERROR, 0
        VMWI VMCS_ENTRY_INSTRUCTION_LEN, 0
        VMWI VMCS_TSC_OFFSET, 0
        VMWI VMCS_MSR_BITMAP, msr_bitmap
        VMWI VMCS_EPT_POINTER, 0
        VMWI VMCS_VPID, 0
        VMWI VMCS_CR0_GUEST_HOST_MASK, 0
        VMWI VMCS_CR4_GUEST_HOST_MASK, 0
        VMWI VMCS_CR0_READ_SHADOW, 0
        VMWI VMCS_CR4_READ_SHADOW, 0

        /* ---- host state: the current CPU */
        mov %cr0, %rax
        VMW VMCS_HOST_CR0, %rax
        mov %cr3, %rax
        VMW VMCS_HOST_CR3, %rax
        mov %cr4, %rax
        VMW VMCS_HOST_CR4, %rax
        VMWI VMCS_HOST_CS_SELECTOR, KERNEL_CS
        VMWI VMCS_HOST_SS_SELECTOR, KERNEL_DS
        VMWI VMCS_HOST_DS_SELECTOR, KERNEL_DS
        VMWI VMCS_HOST_ES_SELECTOR, KERNEL_DS
        VMWI VMCS_HOST_FS_SELECTOR, 0
        VMWI VMCS_HOST_GS_SELECTOR, 0
        VMWI VMCS_HOST_TR_SELECTOR, TSS_SEL
        VMW_MSR VMCS_HOST_FS_BASE, MSR_FS_BASE
        VMW_MSR VMCS_HOST_GS_BASE, MSR_GS_BASE
        VMWI VMCS_HOST_TR_BASE, tss
        sgdt vmx_desc_buf
        VMW VMCS_HOST_GDTR_BASE, vmx_desc_buf + 2
        sidt vmx_desc_buf
        VMW VMCS_HOST_IDTR_BASE, vmx_desc_buf + 2
        VMWI VMCS_HOST_SYSENTER_CS, 0
        VMWI VMCS_HOST_SYSENTER_ESP, 0
        VMWI VMCS_HOST_SYSENTER_EIP, 0
        VMW VMCS_HOST_RSP, %rsp         // vmx_run writes the real value before each entry
        VMWI VMCS_HOST_RIP, vmx_exit_landing

        /* ---- guest state: a copy of the host */
        mov %cr0, %rax
        VMW VMCS_GUEST_CR0, %rax
        mov %cr3, %rax
        VMW VMCS_GUEST_CR3, %rax
        mov %cr4, %rax
        VMW VMCS_GUEST_CR4, %rax
        VMWI VMCS_GUEST_DR7, 0x400
        VMW VMCS_GUEST_RSP, %r13
        VMW VMCS_GUEST_RIP, %r12
        VMWI VMCS_GUEST_RFLAGS, 0x2
        VMWI VMCS_GUEST_CS_SELECTOR, KERNEL_CS
        VMWI VMCS_GUEST_SS_SELECTOR, KERNEL_DS
        VMWI VMCS_GUEST_DS_SELECTOR, KERNEL_DS
        VMWI VMCS_GUEST_ES_SELECTOR, KERNEL_DS
        VMWI VMCS_GUEST_FS_SELECTOR, 0
        VMWI VMCS_GUEST_GS_SELECTOR, 0
        VMWI VMCS_GUEST_LDTR_SELECTOR, 0
        VMWI VMCS_GUEST_TR_SELECTOR, TSS_SEL
        VMWI VMCS_GUEST_CS_BASE, 0
        VMWI VMCS_GUEST_SS_BASE, 0
        VMWI VMCS_GUEST_DS_BASE, 0
        VMWI VMCS_GUEST_ES_BASE, 0
        VMW_MSR VMCS_GUEST_FS_BASE, MSR_FS_BASE
        VMW_MSR VMCS_GUEST_GS_BASE, MSR_GS_BASE
        VMWI VMCS_GUEST_LDTR_BASE, 0
        VMWI VMCS_GUEST_TR_BASE, tss
        VMWI VMCS_GUEST_CS_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_SS_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_DS_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_ES_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_FS_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_GS_LIMIT, 0xffffffff
        VMWI VMCS_GUEST_LDTR_LIMIT, 0
        VMWI VMCS_GUEST_TR_LIMIT, 0x67
        VMWI VMCS_GUEST_CS_AR, 0xa09b       // P DPL0 code exec/read accessed, L=1, G=1
        VMWI VMCS_GUEST_SS_AR, 0xc093       // P DPL0 data read/write accessed, D/B=1, G=1
        VMWI VMCS_GUEST_DS_AR, 0xc093
        VMWI VMCS_GUEST_ES_AR, 0xc093
        VMWI VMCS_GUEST_FS_AR, 0x1c000      // unusable (null selector)
        VMWI VMCS_GUEST_GS_AR, 0x1c000
        VMWI VMCS_GUEST_LDTR_AR, 0x10000    // unusable
        VMWI VMCS_GUEST_TR_AR, 0x8b         // P, busy 64-bit TSS
        sgdt vmx_desc_buf
        VMW VMCS_GUEST_GDTR_BASE, vmx_desc_buf + 2
        movzwl vmx_desc_buf, %eax
        VMW VMCS_GUEST_GDTR_LIMIT, %rax
        sidt vmx_desc_buf
        VMW VMCS_GUEST_IDTR_BASE, vmx_desc_buf + 2
        movzwl vmx_desc_buf, %eax
        VMW VMCS_GUEST_IDTR_LIMIT, %rax
        VMWI VMCS_LINK_POINTER, 0xffffffffffffffff
        VMWI VMCS_GUEST_DEBUGCTL, 0
        VMWI VMCS_GUEST_PAT, 0x0007040600070406
        VMW_MSR VMCS_GUEST_EFER, MSR_EFER
        VMWI VMCS_GUEST_INTERRUPTIBILITY, 0
        VMWI VMCS_GUEST_ACTIVITY_STATE, 0
        VMWI VMCS_GUEST_PENDING_DBG_EXC, 0
        VMWI VMCS_GUEST_SMBASE, 0
        VMWI VMCS_GUEST_SYSENTER_CS, 0
        VMWI VMCS_GUEST_SYSENTER_ESP, 0
        VMWI VMCS_GUEST_SYSENTER_EIP, 0
        VMWI VMCS_PREEMPTION_TIMER_VALUE, 0
        xor %eax, %eax
        jmp 2f
vmcs_setup_failed:
        mov $VMX_FAIL_INVALID, %eax
        jc 2f
        mov $VMX_FAIL_VALID, %eax
2:      mov %rbp, %rsp
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbx
        pop %rbp
        ret

/*
 * vmx_run(resume %edi): enter the guest of the current VMCS with VMLAUNCH (0) or VMRESUME (1), as KVM's
 * __vmx_vcpu_run. Saves the callee-saved registers (and, unlike KVM, every other GPR but RAX, so tests can
 * keep results in any register across guest runs), VMWRITEs HOST_RSP = RSP, loads RAX..R15 (not RSP)
 * from guest_regs. A VM exit lands at vmx_exit_landing (HOST_RIP): it records RFLAGS (vmx_exit_rflags,
 * saved by its first instruction) and RSP (vmx_exit_rsp), stores the guest GPRs into guest_regs before
 * touching any of them, restores the callee-saved registers and returns 0. A VMLAUNCH/VMRESUME that
 * falls through returns 1 (VMfailInvalid) or 2 (VMfailValid: the error is in VMCS_VM_INSTRUCTION_ERROR);
 * guest_regs is then unchanged.
 */
        .globl vmx_run
vmx_run:
        push %rbp
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        push %rcx                       // not required by the ABI: tests keep results in any register
        push %rdx
        push %rsi
        push %rdi
        push %r8
        push %r9
        push %r10
        push %r11
        mov $VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        jbe vmx_run_failed
        mov %rsp, vmx_host_rsp_written
        test %edi, %edi                 // ZF = launch; the loads below keep the flags
        mov guest_regs + GR_RAX, %rax
        mov guest_regs + GR_RCX, %rcx
        mov guest_regs + GR_RDX, %rdx
        mov guest_regs + GR_RBX, %rbx
        mov guest_regs + GR_RBP, %rbp
        mov guest_regs + GR_RSI, %rsi
        mov guest_regs + GR_R8, %r8
        mov guest_regs + GR_R9, %r9
        mov guest_regs + GR_R10, %r10
        mov guest_regs + GR_R11, %r11
        mov guest_regs + GR_R12, %r12
        mov guest_regs + GR_R13, %r13
        mov guest_regs + GR_R14, %r14
        mov guest_regs + GR_R15, %r15
        mov guest_regs + GR_RDI, %rdi
        jnz vmx_vmresume_insn
        .globl vmx_vmlaunch_insn
vmx_vmlaunch_insn:
        vmlaunch
        jmp vmx_run_failed
        .globl vmx_vmresume_insn
vmx_vmresume_insn:
        vmresume
        .globl vmx_run_failed
vmx_run_failed:
        mov $VMX_FAIL_INVALID, %eax
        jc vmx_run_out
        mov $VMX_FAIL_VALID, %eax
        jz vmx_run_out
        mov $3, %eax                    // fell through with neither CF nor ZF: not architectural
        jmp vmx_run_out

        .balign 16
        .globl vmx_exit_landing
vmx_exit_landing:
        pushfq                          // RFLAGS as the VM exit left it (before any flag-changing op)
        popq vmx_exit_rflags
        mov %rsp, vmx_exit_rsp
        mov %rax, guest_regs + GR_RAX
        mov %rcx, guest_regs + GR_RCX
        mov %rdx, guest_regs + GR_RDX
        mov %rbx, guest_regs + GR_RBX
        mov %rbp, guest_regs + GR_RBP
        mov %rsi, guest_regs + GR_RSI
        mov %rdi, guest_regs + GR_RDI
        mov %r8, guest_regs + GR_R8
        mov %r9, guest_regs + GR_R9
        mov %r10, guest_regs + GR_R10
        mov %r11, guest_regs + GR_R11
        mov %r12, guest_regs + GR_R12
        mov %r13, guest_regs + GR_R13
        mov %r14, guest_regs + GR_R14
        mov %r15, guest_regs + GR_R15
        incq vmx_exit_count
        xor %eax, %eax
vmx_run_out:
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbx
        pop %rbp
        ret

/*
 * ept_identity_setup() -> rax = EPTP. Builds 4-level EPT tables mapping guest-physical [0, 16 MiB) 1:1
 * with 4 KiB pages: non-leaf entries RWX, leaf entries RWX | WB (6 << 3). EPTP = ept_pml4 | WB |
 * (3 << 3) (page-walk length 4), also kept in ept_pointer. Rebuilds every entry on each call.
 */
        .globl ept_identity_setup
ept_identity_setup:
        mov $ept_pdpt + EPT_RWX, %eax
        mov %rax, ept_pml4
        mov $ept_pd + EPT_RWX, %eax
        mov %rax, ept_pdpt
        xor %ecx, %ecx
1:      mov %rcx, %rax
        shl $12, %rax
        add $ept_pt + EPT_RWX, %rax
        mov %rax, ept_pd(,%rcx,8)
        inc %ecx
        cmp $EPT_MAP_END >> 21, %ecx
        jb 1b
        xor %ecx, %ecx
2:      mov %rcx, %rax
        shl $12, %rax
        or $EPT_RWX | EPT_MT_WB, %rax
        mov %rax, ept_pt(,%rcx,8)
        inc %ecx
        cmp $EPT_MAP_END >> 12, %ecx
        jb 2b
        mov $ept_pml4 + EPTP_WB_4LEVEL, %eax
        mov %rax, ept_pointer
        ret

/* ept_pte_lookup(gpa) -> rax = address of the leaf EPT entry for gpa, or 0 beyond the mapped 16 MiB. */
        .globl ept_pte_lookup
ept_pte_lookup:
        xor %eax, %eax
        cmp $EPT_MAP_END, %rdi
        jae 1f
        mov %rdi, %rax
        shr $12, %rax
        lea ept_pt(,%rax,8), %rax
1:      ret

/* vmx_enable_ept(): ept_identity_setup, then in the current VMCS: EPT_POINTER, primary control
 * "activate secondary controls", secondary control "enable EPT". Returns the status of the last VMWRITE. */
        .globl vmx_enable_ept
vmx_enable_ept:
        call ept_identity_setup
        mov $VMCS_EPT_POINTER, %edi
        mov %rax, %rsi
        call vmwrite_field
        mov $VMCS_PROC_CONTROLS, %edi
        mov $PROC_SECONDARY, %esi
        call vmcs_or
        mov $VMCS_PROC_CONTROLS2, %edi
        mov $PROC2_ENABLE_EPT, %esi
        jmp vmcs_or

/* invept_all(): INVEPT all-context (type 2). Returns the VMX status. */
        .globl invept_all
invept_all:
        push $0
        pushq ept_pointer
        mov $2, %eax
        invept (%rsp), %rax
        VMX_STATUS
        add $16, %rsp
        ret

        .data
        .balign 8
        .globl vmxon_ptr, vmx_last_status, vmx_exit_rflags, vmx_exit_rsp, vmx_host_rsp_written
        .globl vmx_exit_count, ept_pointer, vmx_setup_ptr
vmxon_ptr:              .quad vmxon_region      // VMXON's m64 operand
vmx_setup_ptr:          .quad 0                 // VMCLEAR/VMPTRLD operand used by vmcs_setup
vmx_last_status:        .quad 0                 // status of the last vmread_field / vmwrite_field
vmx_exit_rflags:        .quad 0                 // RFLAGS at vmx_exit_landing (first instruction)
vmx_exit_rsp:           .quad 0                 // RSP at vmx_exit_landing
vmx_host_rsp_written:   .quad 0                 // the value vmx_run last wrote to HOST_RSP
vmx_exit_count:         .quad 0                 // VM exits that reached vmx_exit_landing
ept_pointer:            .quad 0                 // EPTP built by ept_identity_setup
vmx_desc_buf:           .quad 0, 0              // SGDT/SIDT scratch
        .balign 64
        .globl guest_regs
guest_regs:             .skip 16 * 8            // RAX RCX RDX RBX (RSP) RBP RSI RDI R8..R15 (GR_*)

        .bss
        .balign 4096
        .globl vmxon_region, vmcs_region, vmcs_region2, msr_bitmap
        .globl ept_pml4, ept_pdpt, ept_pd, ept_pt, guest_stack, guest_stack_top, guest_page
vmxon_region:   .skip 4096
vmcs_region:    .skip 4096
vmcs_region2:   .skip 4096
msr_bitmap:     .skip 4096              // read low, read high, write low, write high (1 KiB each)
ept_pml4:       .skip 4096
ept_pdpt:       .skip 4096
ept_pd:         .skip 4096
ept_pt:         .skip 4096 * (EPT_MAP_END >> 21)
guest_stack:    .skip 8192
guest_stack_top:
guest_page:     .skip 4096              // a spare page-aligned page for tests (EPT targets, data)

        .text
