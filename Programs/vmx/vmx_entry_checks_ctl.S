# Checks on VMX controls (SDM vol. 3C "Checks on VM-Execution Control Fields", "Checks on VM-Exit Control
# Fields", "Checks on VM-Entry Control Fields" incl. event injection; appendix A: a control bit may be 0
# only when its allowed-0 bit is 0 and 1 only when its allowed-1 bit is 1, TRUE MSRs). A violation makes VMLAUNCH
# fail with VMfailValid(7); nothing is entered. Each case breaks one field of a fresh valid VMCS.
#   0 pin-based bit 1 (default-1) cleared -> 7
#   1 primary bit 27 "monitor trap flag" (allowed-1 = 0 in TinyVMX) set -> 7
#   2 "NMI-window exiting" with "NMI exiting" but without "virtual NMIs" -> 7
#   3 secondary field = "enable EPT" with EPTP 0, but "activate secondary controls" = 0: the field is
#     ignored -> the guest runs to VMCALL (18)
#   4 "use MSR bitmaps" with the bitmap address not 4 KiB aligned -> 7
#   5 the same misaligned address without "use MSR bitmaps": ignored -> 18
#   6 VM-entry interruption info valid with type 1 (reserved) -> 7
#   7 type NMI with vector 3 -> 7
#   8 hardware exception #UD (no error code) with "deliver error code" -> 7
#   9 hardware exception vector 32 -> 7
#  10 #PF with error code 0x10000 (bits 31:16 must be 0; older SDMs say 31:15) -> 7
#  11 "enable EPT" with EPTP memory type 2 (reserved) -> 7
#  12 secondary bit 7 "unrestricted guest" (allowed-1 = 0) -> 7
#  13 VM-entry control bit 10 "entry to SMM" -> 7
#  14 CR3-target count 4 (the maximum, IA32_VMX_MISC bits 24:16) -> 18
#  15 VM-exit control bit 9 "host address-space size" cleared -> 8 (host-state check, 26.2.4)
#  16 VM-entry MSR-load count 513, above IA32_VMX_MISC's recommended maximum of 512 (the SDM leaves it
#     undefined; TinyVMX fails the entry rather than walk the list, Docs/VMX.md) -> 7
#   r8 = mask of passing cases (0x1ffff)    r9 = first failing case (-1 = none)
#   r10 = its result (exit reason, or 1 << 63 | 2 | error << 8 for VMfailValid)
# expect: stop=halt r8=0x1ffff r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE s0, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s1, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s2, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s3, guest_main, EXIT_REASON_VMCALL, 0, guest_main, 0
        XCASE s4, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s5, guest_main, EXIT_REASON_VMCALL, 0, guest_main, 0
        XCASE s6, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s7, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s8, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s9, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s10, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s11, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s12, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s13, guest_main, XVMFAIL(7), XANY, XANY, 0
        XCASE s14, guest_main, EXIT_REASON_VMCALL, 0, guest_main, 0
        XCASE s15, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE s16, guest_main, XVMFAIL(7), XANY, XANY, 0
table_end:
        .text

s0:     VMCS_CLEAR VMCS_PIN_CONTROLS, 2
        ret
s1:     VMCS_SET VMCS_PROC_CONTROLS, PROC_MTF
        ret
s2:     VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING
        VMCS_SET VMCS_PROC_CONTROLS, PROC_NMI_WINDOW
        ret
s3:     VMCS_WRITE VMCS_PROC_CONTROLS2, PROC2_ENABLE_EPT
        VMCS_WRITE VMCS_EPT_POINTER, 0
        ret
s4:     VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
s5:     VMCS_WRITE VMCS_MSR_BITMAP, msr_bitmap + 8
        ret
s6:     VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | (1 << 8)
        ret
s7:     VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 3
        ret
s8:     VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_INFO_ERROR_VALID | INTR_TYPE_HW_EXCEPTION | 6
        ret
s9:     VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 32
        ret
s10:    VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_INFO_ERROR_VALID | INTR_TYPE_HW_EXCEPTION | 14
        VMCS_WRITE VMCS_ENTRY_EXCEPTION_ERROR, 0x10000
        ret
s11:    call vmx_enable_ept
        mov ept_pointer, %rsi
        and $~7, %rsi
        or $2, %rsi
        mov $VMCS_EPT_POINTER, %edi
        call vmwrite_field
        ret
s12:    VMCS_SET VMCS_PROC_CONTROLS, PROC_SECONDARY
        VMCS_WRITE VMCS_PROC_CONTROLS2, PROC2_UNRESTRICTED_GUEST
        ret
s13:    VMCS_SET VMCS_ENTRY_CONTROLS, ENTRY_SMM
        ret
s14:    VMCS_WRITE VMCS_CR3_TARGET_COUNT, 4
        ret
s15:    VMCS_CLEAR VMCS_EXIT_CONTROLS, EXIT_HOST_ADDR_SPACE_SIZE
        ret
s16:    VMCS_WRITE VMCS_ENTRY_MSR_LOAD_ADDR, msr_bitmap
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_COUNT, 513
        ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl guest_main
guest_main:
        vmcall
