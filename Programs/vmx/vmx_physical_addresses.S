# VMX pointers are physical addresses (SDM vol. 3C "VMXON", "VMPTRLD", "VMCLEAR": the operand is the
# 64-bit physical address of the region; "MSR-Bitmap Address" is physical; the VMXON/VMCS regions and the
# MSR bitmap are accessed with physical addresses, not through the paging structures). Three physical
# pages at 0x3_0000_0000.. have no identity mapping; the host reaches them only through linear aliases at
# 0x1400000.. (map_page). VMXON and VMPTRLD get the physical addresses and succeed (they read the revision
# id from physical memory); a complete VMCS is built in the physical page; the MSR bitmap, also in a
# non-identity-mapped physical page, is honoured: the guest's RDMSR of FS_BASE (bit clear) runs, its WRMSR
# of FS_BASE (write bit set through the alias) exits.
#   r8  = VMXON with physical 0x300000000 (0)       r9 = VMPTRLD of physical 0x300001000 (0)
#   r10 = vmcs_fill (0)                             r11 = VMPTRST (0x300001000)
#   r12 = exit reason (32)                          r13 = 1 if GUEST_RIP is the WRMSR
#   r14 = VMXON of linear alias 0x1400000 after VMXOFF: VMfailInvalid (1), since physical page 0x1400000
#         (identity-mapped RAM, all zero) holds no revision id
# expect: stop=halt r8=0 r9=0 r10=0 r11=0x300001000 r12=32 r13=1 r14=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

#define P_VMXON 0x300000000
#define P_VMCS  0x300001000
#define P_BMP   0x300002000
#define L_VMXON 0x1400000
#define L_VMCS  0x1401000
#define L_BMP   0x1402000

        .data
        .balign 8
ptr:    .quad 0
        .text

.macro ALIAS lin, phys
        mov $\lin, %edi
        movabs $\phys, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
.endm

        .globl test_main
test_main:
        ALIAS L_VMXON, P_VMXON
        ALIAS L_VMCS, P_VMCS
        ALIAS L_BMP, P_BMP
        call vmx_revision_id
        mov %eax, L_VMXON
        mov %eax, L_VMCS
        orb $1, L_BMP + 3072 + (0x100 >> 3)        // write bitmap, MSR 0xC0000100
        mov %cr4, %rax
        or $CR4_VMXE, %rax
        mov %rax, %cr4
        movabs $P_VMXON, %rax
        mov %rax, ptr
        vmxon ptr
        call vmx_flags_result
        mov %rax, %r8
        movabs $P_VMCS, %rax
        mov %rax, ptr
        vmclear ptr
        vmptrld ptr
        call vmx_flags_result
        mov %rax, %r9
        mov $guest_main, %edi
        xor %esi, %esi
        call vmcs_fill
        mov %rax, %r10
        sub $8, %rsp
        vmptrst (%rsp)
        pop %r11
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        mov $VMCS_MSR_BITMAP, %edi
        movabs $P_BMP, %rsi
        call vmwrite_field
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r12
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_wrmsr, %ecx
        ISEQ %rcx, %rax, %r13
        vmxoff
        movq $L_VMXON, ptr
        vmxon ptr
        call vmx_flags_result
        mov %rax, %r14
        ret

        .globl guest_main, guest_wrmsr
guest_main:
        mov $MSR_FS_BASE, %ecx
        rdmsr
guest_wrmsr:
        wrmsr
        vmcall
