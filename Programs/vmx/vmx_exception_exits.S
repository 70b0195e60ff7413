# Exception-bitmap exits for vectors other than #PF (SDM vol. 3C "Exception Bitmap"; "Information for VM
# Exits Due to Vectored Events": interruption type 3 for hardware exceptions, 6 for software exceptions
# (#BP from INT3, #OF from INTO), error code valid only for vectors that push one; the VM-exit instruction
# length is saved for software exceptions; INT n is a software interrupt and is not subject to the
# exception bitmap, even INT 3 (CD 03); the exit qualification is 0 except for #PF and #DB).
#   0 bit 6, UD2           -> 0, info 0x80000306, GUEST_RIP = the UD2
#   1 bit 3, INT3 (CC)     -> 0, info 0x80000603, instruction length 1, GUEST_RIP = the INT3
#   2 bit 13, MOV to CR4 setting reserved bit 31 -> #GP(0): 0, info 0x80000B0D, error code 0
#   3 bit 0, DIV by zero   -> 0, info 0x80000300
#   4 bit 3, INT 3 (CD 03): delivered in the guest (runtime #BP gate, handler rt_resume), then VMCALL -> 18
#   5 bitmap 0xffffbfff (all but #PF) with a guest-handled #PF: no exit, the guest VMCALLs -> 18
#   r8 = mask of passing cases (0x3f)    r9 = first failing case (-1 = none)
#   r10 = its result (exit reason), r11 = its qualification, r12 = its GUEST_RIP
# expect: stop=halt r8=0x3f r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE bm_ud, e0, EXIT_REASON_EXCEPTION_NMI, 0, e0, post_e0
        XCASE bm_bp, e1, EXIT_REASON_EXCEPTION_NMI, 0, e1, post_e1
        XCASE bm_gp, e2, EXIT_REASON_EXCEPTION_NMI, 0, e2x, post_e2
        XCASE bm_de, e3, EXIT_REASON_EXCEPTION_NMI, 0, e3x, post_e3
        XCASE bm_bp, e4, EXIT_REASON_VMCALL, 0, e4x, 0
        XCASE bm_most, e5, EXIT_REASON_VMCALL, 0, e5x, 0
table_end:
        .text

bm_ud:  VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 6
        ret
bm_bp:  VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 3
        ret
bm_gp:  VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 13
        ret
bm_de:  VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 0
        ret
bm_most:
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 0xffffbfff
        ret

/* INFO_IS value: rax = 1 if VMCS_EXIT_INTR_INFO == value */
.macro INFO_IS value
        VMCS_READ VMCS_EXIT_INTR_INFO, %rcx
        xor %eax, %eax
        cmp $\value, %ecx
        sete %al
.endm
post_e0:
        INFO_IS 0x80000306
        ret
post_e1:
        INFO_IS 0x80000603
        test %eax, %eax
        jz 1f
        VMCS_READ VMCS_EXIT_INSTRUCTION_LEN, %rcx
        xor %eax, %eax
        cmp $1, %ecx
        sete %al
1:      ret
post_e2:
        INFO_IS 0x80000b0d
        test %eax, %eax
        jz 1f
        VMCS_READ VMCS_EXIT_INTR_ERROR, %rcx
        xor %eax, %eax
        test %ecx, %ecx
        sete %al
1:      ret
post_e3:
        INFO_IS 0x80000300
        ret

        .globl test_main
test_main:
        movq $rt_resume, vector_handlers + 3 * 8
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl e0, e1, e2, e2x, e3, e3x, e4, e4x, e5, e5x
e0:     ud2
e1:     int3
        ud2
e2:     mov %cr4, %rax
        bts $31, %rax
e2x:    mov %rax, %cr4
        ud2
e3:     xor %edx, %edx
        xor %eax, %eax
        xor %ecx, %ecx
e3x:    div %ecx
        ud2
e4:     .byte 0xcd, 0x03                // INT 3, the two-byte form
e4x:    vmcall
e5:     mov 0x1200000, %rax
e5f:
e5x:    vmcall
        EXTABLE(e5, e5f)
