# Control-register accesses in VMX non-root operation (SDM vol. 3C "Instructions That Cause VM Exits
# Conditionally" (CLTS, MOV to/from CR3, CR8, MOV to CR0/CR4), "Guest/Host Masks and Read Shadows for CR0
# and CR4", "CR3-Target Controls"; "Exit Qualification for Control-Register Accesses": bits 3:0 CR number,
# 5:4 access type (0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW), 11:8 the general-purpose register
# (0 RAX, 1 RCX, 2 RDX, 3 RBX, ..., 6 RSI)). One fresh VMCS per case (vmx_table.S); exit reason 28 unless
# the case runs through to its VMCALL (18):
#   0 CR3-load exiting, MOV RBX -> CR3: 28, qualification 0x303
#   1 CR3-store exiting, MOV CR3 -> RDX: 28, 0x213
#   2 CR3-load exiting with CR3-target count 1, target 0 = the value written: no exit, VMCALL
#   3 CR0 mask TS, read shadow TS=0; MOV RCX -> CR0 with TS=1 (differs from the shadow): 28, 0x100
#   4 CR0 mask TS, shadow TS=1; the same write (equal to the shadow): no exit; MOV from CR0 returns the
#     shadow's TS (1) while the real CR0.TS (guest CR0 field) stays 0
#   5 CR0 mask TS, shadow TS=1: CLTS exits, 28, qualification 0x20
#   6 CR0 mask TS, shadow TS=0: CLTS does not exit
#   7 CR4 mask VMXE, shadow 0: MOV from CR4 shows VMXE=0; writing that value back equals the shadow: no
#     exit, and the real CR4.VMXE stays 1
#   8 CR4 mask VMXE, shadow 0: MOV RDX -> CR4 with VMXE=1: 28, 0x204
#   9 CR8-load exiting, MOV RBX -> CR8: 28, 0x308      10 CR8-store exiting, MOV CR8 -> RSI: 28, 0x618
#  11 no CR4 mask: MOV to CR4 clearing VMXE violates IA32_VMX_CR4_FIXED0 -> #GP(0) (bitmap bit 13: exit 0,
#     info 0x80000B0D, error code 0), SDM "VMX-Fixed Bits in CR0 and CR4" apply in non-root operation too
#  12 no CR0 mask: MOV to CR0 clearing NE (IA32_VMX_CR0_FIXED0) -> #GP(0), same exit
#   r8 = mask of passing cases (0x1fff)    r9 = first failing case (-1 = none)
#   r10 = its exit reason, r11 = its qualification, r12 = its GUEST_RIP (when r9 is not -1)
# expect: stop=halt r8=0x1fff r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE set_cr3_load, k0, EXIT_REASON_CR_ACCESS, 0x303, k0x, 0
        XCASE set_cr3_store, k1, EXIT_REASON_CR_ACCESS, 0x213, k1x, 0
        XCASE set_cr3_target, k2, EXIT_REASON_VMCALL, 0, k2x, 0
        XCASE set_cr0_ts_shadow0, k3, EXIT_REASON_CR_ACCESS, 0x100, k3x, 0
        XCASE set_cr0_ts_shadow1, k4, EXIT_REASON_VMCALL, 0, k4x, post_k4
        XCASE set_cr0_ts_shadow1, k5, EXIT_REASON_CR_ACCESS, 0x20, k5x, 0
        XCASE set_cr0_ts_shadow0, k6, EXIT_REASON_VMCALL, 0, k6x, 0
        XCASE set_cr4_vmxe, k7, EXIT_REASON_VMCALL, 0, k7x, post_k7
        XCASE set_cr4_vmxe, k8, EXIT_REASON_CR_ACCESS, 0x204, k8x, 0
        XCASE set_cr8_load, k9, EXIT_REASON_CR_ACCESS, 0x308, k9x, 0
        XCASE set_cr8_store, k10, EXIT_REASON_CR_ACCESS, 0x618, k10x, 0
        XCASE set_gp_exit, k11, EXIT_REASON_EXCEPTION_NMI, 0, k11x, post_gp
        XCASE set_gp_exit, k12, EXIT_REASON_EXCEPTION_NMI, 0, k12x, post_gp
table_end:
        .text

set_cr3_load:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_CR3_LOAD
        ret
set_cr3_store:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_CR3_STORE
        ret
set_cr3_target:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_CR3_LOAD
        VMCS_WRITE VMCS_CR3_TARGET_COUNT, 1
        mov $VMCS_CR3_TARGET0, %edi
        mov %cr3, %rsi
        call vmwrite_field
        ret
set_cr0_ts_shadow0:
        VMCS_WRITE VMCS_CR0_GUEST_HOST_MASK, CR0_TS
        mov $VMCS_CR0_READ_SHADOW, %edi
        mov %cr0, %rsi
        and $~CR0_TS, %rsi
        call vmwrite_field
        ret
set_cr0_ts_shadow1:
        VMCS_WRITE VMCS_CR0_GUEST_HOST_MASK, CR0_TS
        mov $VMCS_CR0_READ_SHADOW, %edi
        mov %cr0, %rsi
        or $CR0_TS, %rsi
        call vmwrite_field
        ret
set_cr4_vmxe:
        VMCS_WRITE VMCS_CR4_GUEST_HOST_MASK, CR4_VMXE
        mov $VMCS_CR4_READ_SHADOW, %edi
        mov %cr4, %rsi
        and $~CR4_VMXE, %rsi
        call vmwrite_field
        ret
set_cr8_load:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_CR8_LOAD
        ret
set_cr8_store:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_CR8_STORE
        ret

set_gp_exit:
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 13
        ret
/* #GP(0) exit */
post_gp:
        VMCS_READ VMCS_EXIT_INTR_INFO, %rcx
        xor %eax, %eax
        cmp $0x80000b0d, %ecx
        jne 1f
        VMCS_READ VMCS_EXIT_INTR_ERROR, %rcx
        xor %eax, %eax
        test %ecx, %ecx
        sete %al
1:      ret

/* k4: guest RAX (CR0 read after the write) has TS = 1 (shadow); GUEST_CR0.TS = 0 */
post_k4:
        xor %eax, %eax
        testq $CR0_TS, guest_regs + GR_RAX
        jz 1f
        VMCS_READ VMCS_GUEST_CR0, %rcx
        xor %eax, %eax
        test $CR0_TS, %ecx
        jnz 1f
        mov $1, %eax
1:      ret
/* k7: guest RAX (CR4 read) has VMXE = 0 (shadow); GUEST_CR4.VMXE = 1 */
post_k7:
        xor %eax, %eax
        testq $CR4_VMXE, guest_regs + GR_RAX
        jnz 1f
        VMCS_READ VMCS_GUEST_CR4, %rcx
        xor %eax, %eax
        test $CR4_VMXE, %ecx
        jz 1f
        mov $1, %eax
1:      ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12
k0:     mov %cr3, %rbx
k0x:    mov %rbx, %cr3
        ud2
k1:     nop
k1x:    mov %cr3, %rdx
        ud2
k2:     mov %cr3, %rbx
        mov %rbx, %cr3
k2x:    vmcall
k3:     mov %cr0, %rcx
        or $CR0_TS, %rcx
k3x:    mov %rcx, %cr0
        ud2
k4:     mov %cr0, %rcx
        or $CR0_TS, %rcx
        mov %rcx, %cr0
        mov %cr0, %rax
k4x:    vmcall
k5:     nop
k5x:    clts
        ud2
k6:     clts
k6x:    vmcall
k7:     mov %cr4, %rax
        mov %rax, %cr4
k7x:    vmcall
k8:     mov %cr4, %rdx
        or $CR4_VMXE, %rdx
k8x:    mov %rdx, %cr4
        ud2
k9:     xor %ebx, %ebx
k9x:    mov %rbx, %cr8
        ud2
k10:    nop
k10x:   mov %cr8, %rsi
        ud2
k11:    mov %cr4, %rax
        and $~CR4_VMXE, %rax
k11x:   mov %rax, %cr4
        ud2
k12:    mov %cr0, %rax
        and $~0x20, %rax
k12x:   mov %rax, %cr0
        ud2
