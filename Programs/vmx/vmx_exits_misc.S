# Instruction-caused VM exits and their controls (SDM vol. 3C "Instructions That Cause VM Exits
# Unconditionally" (CPUID), "Instructions That Cause VM Exits Conditionally" (HLT, INVLPG, RDTSC, RDMSR,
# WRMSR), "MSR-Bitmap Address", "Exit Qualification for ..." (INVLPG: the linear-address operand; the field
# is cleared for the other exits here), "Triple Fault"; appendix C exit reasons). One fresh VMCS per case
# (vmx_table.S); each checks exit reason, qualification and GUEST_RIP (the exiting instruction):
#   0 CPUID -> 10               1 HLT, HLT exiting -> 12          2 INVLPG 0x1200567, INVLPG exiting -> 14,
#   3 RDTSC, RDTSC exiting -> 16                                    qualification 0x1200567
#   4 RDMSR without MSR bitmaps -> 31                5 WRMSR without MSR bitmaps -> 32
#   6 MSR bitmaps: WRMSR 0xC0000102 (write-high bit clear) runs, WRMSR 0xC0000100 (bit set) -> 32
#   7 MSR bitmaps: RDMSR 0xC0000100 (read-high bit clear) runs, RDMSR 0x3A (read-low bit set) -> 31
#   8 MSR bitmaps: RDMSR 0x40000000 (outside both bitmap ranges: always exits) -> 31
#   9 guest IDTR limit 0, UD2: #UD, #GP and #DF cannot be delivered -> triple fault, exit 2
#  10 RDTSC and INVLPG without their controls run in the guest; then VMCALL -> 18
#   r8 = mask of passing cases (0x7ff)    r9 = first failing case (-1 = none)
#   r10 = its exit reason, r11 = its qualification (when r9 is not -1)
# expect: stop=halt r8=0x7ff r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE 0, c0, EXIT_REASON_CPUID, 0, c0x, 0
        XCASE set_hlt, c1, EXIT_REASON_HLT, 0, c1x, 0
        XCASE set_invlpg, c2, EXIT_REASON_INVLPG, 0x1200567, c2x, 0
        XCASE set_rdtsc, c3, EXIT_REASON_RDTSC, 0, c3x, 0
        XCASE 0, c4, EXIT_REASON_RDMSR, 0, c4x, 0
        XCASE 0, c5, EXIT_REASON_WRMSR, 0, c5x, 0
        XCASE set_bitmaps, c6, EXIT_REASON_WRMSR, 0, c6x, 0
        XCASE set_bitmaps, c7, EXIT_REASON_RDMSR, 0, c7x, 0
        XCASE set_bitmaps, c8, EXIT_REASON_RDMSR, 0, c8x, 0
        XCASE set_idtr0, c9, EXIT_REASON_TRIPLE_FAULT, 0, XANY, 0
        XCASE 0, c10, EXIT_REASON_VMCALL, 0, c10x, 0
table_end:
        .text

set_hlt:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_HLT_EXITING
        ret
set_invlpg:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_INVLPG_EXITING
        ret
set_rdtsc:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_RDTSC_EXITING
        ret
set_bitmaps:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        ret
set_idtr0:
        VMCS_WRITE VMCS_GUEST_IDTR_LIMIT, 0
        ret

        .globl test_main
test_main:
        call vmx_on
        // MSR bitmap: read low [0, 1 KiB), read high [1, 2), write low [2, 3), write high [3, 4)
        orb $1 << (0x3a & 7), msr_bitmap + (0x3a >> 3)            // read 0x3A
        orb $1, msr_bitmap + 3072 + (0x100 >> 3)                  // write 0xC0000100
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10
c0:     xor %eax, %eax
c0x:    cpuid
        ud2
c1:     nop
c1x:    hlt
        ud2
c2:     nop
c2x:    invlpg 0x1200567
        ud2
c3:     nop
c3x:    rdtsc
        ud2
c4:     mov $MSR_FS_BASE, %ecx
c4x:    rdmsr
        ud2
c5:     mov $MSR_FS_BASE, %ecx
        xor %eax, %eax
        xor %edx, %edx
c5x:    wrmsr
        ud2
c6:     mov $MSR_KERNEL_GS_BASE, %ecx   // 0, as the host has it
        xor %eax, %eax
        xor %edx, %edx
        wrmsr
        mov $MSR_FS_BASE, %ecx
c6x:    wrmsr
        ud2
c7:     mov $MSR_FS_BASE, %ecx
        rdmsr
        mov $MSR_IA32_FEATURE_CONTROL, %ecx
c7x:    rdmsr
        ud2
c8:     mov $0x40000000, %ecx
c8x:    rdmsr
        ud2
c9:     nop
        ud2
c10:    rdtsc
        invlpg 0x1200567
c10x:   vmcall
