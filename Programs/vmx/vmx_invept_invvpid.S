# INVEPT and INVVPID in VMX root operation, and the VPID control (SDM vol. 3C "INVEPT—Invalidate
# Translations Derived from EPT", "INVVPID—Invalidate Translations Based on VPID": a type not supported by
# IA32_VMX_EPT_VPID_CAP, an invalid EPTP for single-context INVEPT, VPID 0 for INVVPID types 0, 1, 3, a
# non-canonical address for type 0, or descriptor bits 63:16 set give VMfail(28) "invalid operand to
# INVEPT/INVVPID"; "Checks on VM-Execution Control Fields": with "enable VPID" the VPID must not be 0, else
# VMfailValid(7)). TinyVMX's IA32_VMX_EPT_VPID_CAP = 0xF0106134140: INVEPT types 1 and 2, INVVPID types 0-3.
# A current VMCS exists, so the failures are VMfailValid(28) = 0x1c02.
#   r8  = INVEPT type 2 (0) | type 1 with the identity EPTP (0) << 16 = 0
#   r9  = INVEPT type 0 (unsupported) (0x1c02)   r10 = INVEPT type 1, EPTP with page-walk length 1 (0x1c02)
#   r11 = INVVPID type 2 (0) | type 1, VPID 1 (0) << 16 | type 0, VPID 1, canonical address (0) << 32 = 0
#   r12 = INVVPID type 1, VPID 0 (0x1c02)         r13 = INVVPID type 0, VPID 1, address 1 << 63 (0x1c02)
#   r14 = INVVPID type 2, descriptor bit 16 set (0x1c02)   r15 = INVVPID type 4 (0x1c02)
#   rbx = VMLAUNCH with "enable VPID" and VPID 0 (0x702)
#   rbp = VMLAUNCH with "enable VPID" and VPID 1: exit reason (18)
# expect: stop=halt r8=0 r9=0x1c02 r10=0x1c02 r11=0 r12=0x1c02 r13=0x1c02 r14=0x1c02 r15=0x1c02 rbx=0x702 rbp=18
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 16
desc:   .quad 0, 0
        .text

/* INV insn, type, lo, hi, dst: descriptor = {lo, hi}; dst = status of "insn desc, type" */
.macro INV insn, type, lo, hi, dst
        movabs $\lo, %rax
        mov %rax, desc
        movabs $\hi, %rax
        mov %rax, desc + 8
        mov $\type, %eax
        \insn desc, %rax
        call vmx_flags_result
        mov %rax, \dst
.endm

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        call ept_identity_setup
        INV invept, 2, 0, 0, %r8
        mov ept_pointer, %rax
        mov %rax, desc
        movq $0, desc + 8
        mov $1, %eax
        invept desc, %rax
        call vmx_flags_result
        shl $16, %rax
        or %rax, %r8
        INV invept, 0, 0, 0, %r9
        mov ept_pointer, %rax
        and $~0x38, %rax                // page-walk length - 1 = 0
        mov %rax, desc
        mov $1, %eax
        invept desc, %rax
        call vmx_flags_result
        mov %rax, %r10
        INV invvpid, 2, 0, 0, %r11
        INV invvpid, 1, 1, 0, %rax
        shl $16, %rax
        or %rax, %r11
        INV invvpid, 0, 1, 0x1200000, %rax
        shl $32, %rax
        or %rax, %r11
        INV invvpid, 1, 0, 0, %r12
        INV invvpid, 0, 1, 0x8000000000000000, %r13
        INV invvpid, 2, 0x10000, 0, %r14
        INV invvpid, 4, 1, 0, %r15
        VMCS_SET VMCS_PROC_CONTROLS, PROC_SECONDARY
        VMCS_WRITE VMCS_PROC_CONTROLS2, PROC2_ENABLE_VPID
        VMCS_WRITE VMCS_VPID, 0
        VMX_RUN 0, %rbx
        VMCS_WRITE VMCS_VPID, 1
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %rbp
        ret

        .globl guest_main
guest_main:
        vmcall
