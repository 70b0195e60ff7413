# Checks on the guest-state area (SDM vol. 3C "Checks on the Guest State Area": control registers, debug
# registers and MSRs; segment registers; descriptor-table registers; RIP and RFLAGS; non-register state;
# VMCS link pointer). A violation is a VM-entry failure: VM exit with reason 0x80000021 (33 | bit 31) at
# HOST_RIP, exit qualification 0, or 4 for the VMCS link pointer. Each case changes one field of a fresh
# valid VMCS; the valid variants must enter the guest.
#   0 guest CS access rights 0xA09A (type 10: code not accessed) -> 0x80000021
#   1 guest CR4 without VMXE (IA32_VMX_CR4_FIXED0) -> 0x80000021
#   2 guest CR0 without PE (no unrestricted guest) -> 0x80000021
#   3 guest RIP = 1 << 47 (not canonical for a 64-bit guest, CS.L = 1) -> 0x80000021
#   4 guest RFLAGS bit 22 (reserved) set -> 0x80000021
#   5 guest activity state 3 (wait-for-SIPI; IA32_VMX_MISC bit 8 = 0) -> 0x80000021
#   6 guest interruptibility bit 5 (reserved) set -> 0x80000021
#   7 guest IDTR base 1 << 47 (not canonical) -> 0x80000021
#   8 guest TR access rights 0x89 (type 9, an available TSS; IA-32e mode needs 11, busy) -> 0x80000021
#   9 guest SS access rights 0xC0F3 (DPL 3 while the SS selector's RPL is 0) -> 0x80000021
#  10 VMCS link pointer = vmcs_region2 holding a wrong revision id -> 0x80000021, qualification 4
#  11 VMCS link pointer = vmcs_region2 holding the right revision id (shadow bit 0): valid -> VMCALL (18)
#  12 "load debug controls" with guest DR7 bit 32 set -> 0x80000021
#  13 guest pending debug exceptions bit 4 (reserved) set -> 0x80000021
#  14 interruptibility "blocking by STI" and "blocking by MOV SS" both set (RFLAGS.IF = 1) -> 0x80000021
#  15 "IA-32e mode guest" = 0 with the 64-bit guest state (CS.L = 1, CR4.PAE = CR0.PG = 1): the guest would
#     use PAE paging, whose PDPTEs (read from the PML4 page) have reserved bits set -> 0x80000021; the
#     qualification (0 for a segment check, 2 for the PDPTEs) is not checked
#  16 guest GDTR limit 0x10037 (bits 31:16 must be 0) -> 0x80000021
#  17 activity state HLT (1), preemption timer 10: entered in HLT, the timer ends it -> 52, GUEST_RIP unchanged
#   r8 = mask of passing cases (0x3ffff)    r9 = first failing case (-1 = none)
#   r10 = its result (exit reason, or 1 << 63 | 2 | error << 8 for VMfailValid), r11 = its qualification
# expect: stop=halt r8=0x3ffff r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

#define FAIL (EXIT_REASON_ENTRY_FAILURE | EXIT_REASON_ENTRY_FAIL_GUEST)
        .section .rodata
        .balign 8
table:
        XCASE g0, guest_main, FAIL, 0, XANY, 0
        XCASE g1, guest_main, FAIL, 0, XANY, 0
        XCASE g2, guest_main, FAIL, 0, XANY, 0
        XCASE g3, guest_main, FAIL, 0, XANY, 0
        XCASE g4, guest_main, FAIL, 0, XANY, 0
        XCASE g5, guest_main, FAIL, 0, XANY, 0
        XCASE g6, guest_main, FAIL, 0, XANY, 0
        XCASE g7, guest_main, FAIL, 0, XANY, 0
        XCASE g8, guest_main, FAIL, 0, XANY, 0
        XCASE g9, guest_main, FAIL, 0, XANY, 0
        XCASE g10, guest_main, FAIL, 4, XANY, 0
        XCASE g11, guest_main, EXIT_REASON_VMCALL, 0, guest_main, 0
        XCASE g12, guest_main, FAIL, 0, XANY, 0
        XCASE g13, guest_main, FAIL, 0, XANY, 0
        XCASE g14, guest_main, FAIL, 0, XANY, 0
        XCASE g15, guest_main, FAIL, XANY, XANY, 0
        XCASE g16, guest_main, FAIL, 0, XANY, 0
        XCASE g17, guest_main, EXIT_REASON_PREEMPTION_TIMER, 0, guest_main, 0
table_end:
        .text

g0:     VMCS_WRITE VMCS_GUEST_CS_AR, 0xa09a
        ret
g1:     VMCS_CLEAR VMCS_GUEST_CR4, CR4_VMXE
        ret
g2:     VMCS_CLEAR VMCS_GUEST_CR0, 1
        ret
g3:     VMCS_WRITE VMCS_GUEST_RIP, 1 << 47
        ret
g4:     VMCS_WRITE VMCS_GUEST_RFLAGS, 0x400002
        ret
g5:     VMCS_WRITE VMCS_GUEST_ACTIVITY_STATE, 3
        ret
g6:     VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 0x20
        ret
g7:     VMCS_WRITE VMCS_GUEST_IDTR_BASE, 1 << 47
        ret
g8:     VMCS_WRITE VMCS_GUEST_TR_AR, 0x89
        ret
g9:     VMCS_WRITE VMCS_GUEST_SS_AR, 0xc0f3
        ret
g10:    call vmx_revision_id
        inc %eax
        mov %eax, vmcs_region2
        VMCS_WRITE VMCS_LINK_POINTER, vmcs_region2
        ret
g11:    call vmx_revision_id
        mov %eax, vmcs_region2
        VMCS_WRITE VMCS_LINK_POINTER, vmcs_region2
        ret
g12:    VMCS_SET VMCS_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG
        VMCS_WRITE VMCS_GUEST_DR7, 0x100000400
        ret
g13:    VMCS_WRITE VMCS_GUEST_PENDING_DBG_EXC, 0x10
        ret
g14:    VMCS_WRITE VMCS_GUEST_RFLAGS, 0x202
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 3
        ret
g15:    VMCS_CLEAR VMCS_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST
        ret
g16:    VMCS_WRITE VMCS_GUEST_GDTR_LIMIT, 0x10037
        ret
g17:    VMCS_WRITE VMCS_GUEST_ACTIVITY_STATE, 1
        VMCS_SET VMCS_PIN_CONTROLS, PIN_PREEMPTION_TIMER
        VMCS_WRITE VMCS_PREEMPTION_TIMER_VALUE, 10
        ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl guest_main
guest_main:
        vmcall
