# VMfailInvalid: CF = 1, the other arithmetic flags 0, no error number (SDM vol. 3C "Conventions": VMfail(n)
# is VMfailInvalid when the current-VMCS pointer is not valid). Outside VMX operation, VMXON fails with
# VMfailInvalid when its pointer is not 4 KiB aligned, or when the region's first 32 bits are not the
# IA32_VMX_BASIC revision id (bit 31 must be 0). After VMXON there is no current VMCS (pointer
# FFFFFFFF_FFFFFFFFH), so: VMXON again = VMfail(15) = VMfailInvalid; VMREAD, VMWRITE, VMLAUNCH = VMfailInvalid;
# VMPTRLD of a misaligned pointer (VMfail(9)) or of a region with a wrong revision id (VMfail(11)) and
# VMCLEAR of the VMXON pointer (VMfail(3)) = VMfailInvalid; VMCLEAR of a valid region succeeds (it needs no
# current VMCS); VMPTRST stores FFFFFFFF_FFFFFFFFH. In VMX operation, MOV to CR4 that clears VMXE is #GP(0)
# (SDM vol. 3C "Restrictions on VMX Operation", IA32_VMX_CR4_FIXED0 bit 13); after VMXOFF it is allowed.
# Statuses: 0 VMsucceed, 1 VMfailInvalid, 2 | error << 8 VMfailValid.
#   r8  = VMXON, wrong revision id (1)   r9 = VMXON, misaligned pointer (1)   r10 = VMXON, bit 31 set (1)
#   rbx = VMXON, valid (0)               r11 = VMXON in VMX root operation, no current VMCS (1)
#   r12 = VMREAD (1)   r13 = VMWRITE (1)   r14 = VMLAUNCH (1)
#   r15 = VMPTRLD misaligned (1) | VMPTRLD wrong revision (1) << 4 = 0x11
#   rbp = VMPTRST result (0xffffffffffffffff)
#   rsi = VMCLEAR of vmcs_region2 (0) | VMCLEAR of the VMXON pointer (1) << 4 = 0x10
#   rdi = MOV to CR4 clearing VMXE in VMX operation: vector | error << 8 (0xd: #GP(0))
#   rdx = VMXOFF status (0) | CR4.VMXE after VMXOFF and clearing (0) = 0
#   rcx = RFLAGS arithmetic flags (CF PF AF ZF SF OF) after the VMREAD failure (1: only CF)
# expect: stop=halt r8=1 r9=1 r10=1 rbx=0 r11=1 r12=1 r13=1 r14=1 r15=0x11 rbp=0xffffffffffffffff rsi=0x10 rdi=0xd rdx=0 rcx=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 8
ptr:    .quad 0
        .text

        .globl test_main
test_main:
        mov %cr4, %rax
        or $CR4_VMXE, %rax
        mov %rax, %cr4
        call vmx_revision_id
        mov %eax, %r12d                 // r12 = revision id for now
        xor $0x55, %eax
        mov %eax, vmxon_region
        vmxon vmxon_ptr                 // wrong revision
        call vmx_flags_result
        mov %rax, %r8
        mov %r12d, vmxon_region
        movq $vmxon_region + 8, ptr
        vmxon ptr                       // misaligned
        call vmx_flags_result
        mov %rax, %r9
        mov %r12d, %eax
        or $0x80000000, %eax
        mov %eax, vmxon_region
        vmxon vmxon_ptr                 // bit 31 set
        call vmx_flags_result
        mov %rax, %r10
        mov %r12d, vmxon_region
        vmxon vmxon_ptr                 // valid: VMX root operation, no current VMCS
        call vmx_flags_result
        mov %rax, %rbx
        vmxon vmxon_ptr
        call vmx_flags_result
        mov %rax, %r11
        mov $VMCS_GUEST_RIP, %edx
        xor %eax, %eax
        vmread %rdx, %rax
        pushfq
        pop %rcx
        and $0x8d5, %ecx                // CF PF AF ZF SF OF
        push %rcx                       // kept for the end
        mov $VMCS_GUEST_RIP, %edx
        vmread %rdx, %rax
        call vmx_flags_result
        mov %rax, %r12
        mov $VMCS_GUEST_RIP, %edx
        mov $0x1000, %eax
        vmwrite %rax, %rdx
        call vmx_flags_result
        mov %rax, %r13
        vmlaunch
        call vmx_flags_result
        mov %rax, %r14
        movq $vmcs_region + 0x10, ptr
        vmptrld ptr                     // misaligned: VMfail(9) without a current VMCS
        call vmx_flags_result
        mov %rax, %r15
        movl $0x12345, vmcs_region      // wrong revision id
        movq $vmcs_region, ptr
        vmptrld ptr
        call vmx_flags_result
        shl $4, %rax
        or %rax, %r15
        sub $8, %rsp
        vmptrst (%rsp)
        pop %rbp
        movq $vmcs_region2, ptr
        vmclear ptr
        call vmx_flags_result
        mov %rax, %rsi
        vmclear vmxon_ptr
        call vmx_flags_result
        shl $4, %rax
        or %rax, %rsi
        movq $0, fault_log + FL_LAST_VECTOR
        mov %cr4, %rax
        and $~CR4_VMXE, %rax
1:      mov %rax, %cr4                  // #GP(0) in VMX operation
2:      mov fault_log + FL_LAST_ERROR, %rdi
        shl $8, %rdi
        or fault_log + FL_LAST_VECTOR, %rdi
        vmxoff
        call vmx_flags_result
        mov %rax, %rdx
        mov %cr4, %rax
        and $~CR4_VMXE, %rax
        mov %rax, %cr4                  // allowed outside VMX operation
        mov %cr4, %rax
        and $CR4_VMXE, %eax
        or %rax, %rdx
        pop %rcx
        ret
        EXTABLE(1b, 2b)
