# Checks on the host-state area (SDM vol. 3C "Checks on Host Control Registers, MSRs, and SSP", "Checks on
# Host Segment and Descriptor-Table Registers", "Checks Related to Address-Space Size"). A violation makes
# VMLAUNCH fail with VMfailValid(8). Each case changes one field of a fresh valid VMCS.
#   0 HOST_CR0 without PG (IA32_VMX_CR0_FIXED0) -> 8
#   1 HOST_CR3 with bit 52 set (beyond the physical-address width) -> 8
#   2 HOST_RIP = 1 << 47 (not canonical; required with "host address-space size") -> 8
#   3 HOST_TR selector 0 -> 8
#   4 HOST_SS selector 0x13 (RPL 3) -> 8
#   5 HOST_DS selector 0x14 (TI = 1) -> 8
#   6 HOST_FS_BASE = 1 << 47 (not canonical) -> 8
#   7 HOST_GDTR_BASE = 1 << 63 (not canonical) -> 8
#   8 HOST_SS selector 0: allowed with "host address-space size" = 1 -> the guest runs to VMCALL (18)
#   9 HOST_CR4 with bit 5 (PAE) cleared: a 64-bit host needs CR4.PAE -> 8
#   r8 = mask of passing cases (0x3ff)    r9 = first failing case (-1 = none)
#   r10 = its result (exit reason, or 1 << 63 | 2 | error << 8 for VMfailValid)
# expect: stop=halt r8=0x3ff r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE h0, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h1, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h2, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h3, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h4, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h5, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h6, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h7, guest_main, XVMFAIL(8), XANY, XANY, 0
        XCASE h8, guest_main, EXIT_REASON_VMCALL, 0, guest_main, 0
        XCASE h9, guest_main, XVMFAIL(8), XANY, XANY, 0
table_end:
        .text

h0:     VMCS_CLEAR VMCS_HOST_CR0, 0x80000000
        ret
h1:     VMCS_SET VMCS_HOST_CR3, 1 << 52
        ret
h2:     VMCS_WRITE VMCS_HOST_RIP, 1 << 47
        ret
h3:     VMCS_WRITE VMCS_HOST_TR_SELECTOR, 0
        ret
h4:     VMCS_WRITE VMCS_HOST_SS_SELECTOR, 0x13
        ret
h5:     VMCS_WRITE VMCS_HOST_DS_SELECTOR, 0x14
        ret
h6:     VMCS_WRITE VMCS_HOST_FS_BASE, 1 << 47
        ret
h7:     VMCS_WRITE VMCS_HOST_GDTR_BASE, 1 << 63
        ret
h8:     VMCS_WRITE VMCS_HOST_SS_SELECTOR, 0
        ret
h9:     VMCS_CLEAR VMCS_HOST_CR4, 0x20
        ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl guest_main
guest_main:
        vmcall
