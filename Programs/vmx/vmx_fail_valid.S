# VMfailValid(n): ZF = 1, the other arithmetic flags 0, and n written to the VM-instruction error field
# (0x4400), which requires a current VMCS (SDM vol. 3C "Conventions"; "VM Instruction Error Numbers"). With a
# current VMCS loaded: VMXON in VMX root operation = 15; VMCLEAR of the VMXON pointer = 3, of a misaligned
# address = 2; VMPTRLD of the VMXON pointer = 10, misaligned = 9, of a region whose revision id differs
# from IA32_VMX_BASIC = 11; VMREAD/VMWRITE of an unsupported component = 12 (an encoding with reserved bit 12
# set, the "high" access of a 32-bit field, a 64-bit operand with bits 63:32 set); VMWRITE to a VM-exit
# information field = 13 (IA32_VMX_MISC bit 29 = 0); VMCALL in VMX root operation = 1. None of these changes
# the current VMCS. A successful instruction does not change the error field.
# Statuses: 2 | error << 8.
#   r8  = VMXON (0xf02)    r9 = VMCLEAR VMXON pointer (0x302)   r10 = VMCLEAR misaligned (0x202)
#   r11 = VMPTRLD VMXON pointer (0xa02)   r12 = VMPTRLD misaligned (0x902)   r13 = VMPTRLD bad revision (0xb02)
#   r14 = VMREAD 0x7ffe << 32 | VMREAD 0x4403 << 16 | VMREAD 0x1_0000_681e (0xc020c020c02)
#   r15 = VMWRITE EXIT_REASON (0xd02)   rbx = VMCALL (0x102)   rsi = VMWRITE 0x7ffe (0xc02)
#   rbp = 1 if VMPTRST still gives vmcs_region      rdi = arithmetic flags after VMCALL's VMfailValid (0x40)
#   rdx = status of a valid VMREAD (0) | error field after it << 8 (1, from the VMCALL) = 0x100
#   rcx = vmcs_setup status (0)
# expect: stop=halt r8=0xf02 r9=0x302 r10=0x202 r11=0xa02 r12=0x902 r13=0xb02 r14=0xc020c020c02 r15=0xd02 rbx=0x102 rsi=0xc02 rbp=1 rdi=0x40 rdx=0x100 rcx=0
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 8
ptr:    .quad 0
        .text

        .globl test_main
test_main:
        call vmx_on
        mov $vmcs_region, %edi
        mov $guest_main, %esi
        xor %edx, %edx
        call vmcs_setup
        push %rax                       // rcx at the end
        vmxon vmxon_ptr
        call vmx_flags_result
        mov %rax, %r8
        vmclear vmxon_ptr
        call vmx_flags_result
        mov %rax, %r9
        movq $vmcs_region2 + 0x800, ptr
        vmclear ptr
        call vmx_flags_result
        mov %rax, %r10
        vmptrld vmxon_ptr
        call vmx_flags_result
        mov %rax, %r11
        movq $vmcs_region2 + 4, ptr
        vmptrld ptr
        call vmx_flags_result
        mov %rax, %r12
        call vmx_revision_id
        inc %eax
        mov %eax, vmcs_region2
        movq $vmcs_region2, ptr
        vmptrld ptr
        call vmx_flags_result
        mov %rax, %r13
        mov $0x7ffe, %edx
        vmread %rdx, %rcx
        call vmx_flags_result
        mov %rax, %r14
        shl $16, %r14
        mov $0x4403, %edx               // high access of the 32-bit exit reason
        vmread %rdx, %rcx
        call vmx_flags_result
        or %rax, %r14
        shl $16, %r14
        movabs $0x10000681e, %rdx       // GUEST_RIP with bit 32 set
        vmread %rdx, %rcx
        call vmx_flags_result
        or %rax, %r14
        mov $VMCS_EXIT_REASON, %edx
        mov $18, %ecx
        vmwrite %rcx, %rdx
        call vmx_flags_result
        mov %rax, %r15
        mov $0x7ffe, %edx
        vmwrite %rcx, %rdx
        call vmx_flags_result
        mov %rax, %rsi
        stc                             // flags before: CF set, the failure must clear it
        vmcall
        pushfq
        call vmx_flags_result
        mov %rax, %rbx
        pop %rdi
        and $0x8d5, %edi                // CF PF AF ZF SF OF
        sub $8, %rsp
        vmptrst (%rsp)
        pop %rax
        mov $vmcs_region, %ecx
        ISEQ %rcx, %rax, %rbp
        mov $VMCS_GUEST_RIP, %edx
        vmread %rdx, %rcx               // valid
        call vmx_flags_result           // rax = its status
        mov $VMCS_VM_INSTRUCTION_ERROR, %edx
        vmread %rdx, %rdx
        shl $8, %rdx
        or %rax, %rdx
        pop %rcx
        ret

        .globl guest_main
guest_main:
        vmcall
