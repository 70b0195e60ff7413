# A guest at CPL 3, and the priority of faults over VM exits (SDM vol. 3C "Relative Priority of Faults and
# VM Exits": exceptions based on privilege level have priority over VM exits caused by the instruction;
# "Instructions That Cause VM Exits Unconditionally": CPUID, VMCALL and the VMX instructions exit in VMX
# non-root operation at any CPL, before their CPL check; "Checks on Guest Segment Registers": SS.DPL = CS.DPL
# and SS.DPL = SS.RPL). The guest state is the host copy with CS 0x23 (access rights 0xA0FB, DPL 3) and
# SS/DS/ES 0x1b (0xC0F3), RIP in user-accessible code, RSP on a user stack; exception-bitmap bit 13 makes a
# #GP visible as an exit, bit 14 a #PF.
#   0 VMCALL at CPL 3               -> 18, saved CS selector 0x23
#   1 CPUID at CPL 3                -> 10
#   2 VMREAD at CPL 3               -> 23 (the exit comes before VMREAD's #GP for CPL > 0)
#   3 RDMSR at CPL 3, no MSR bitmaps -> #GP(0) first: exit 0, info 0x80000B0D, error code 0
#   4 HLT at CPL 3 with HLT exiting  -> #GP(0): exit 0, info 0x80000B0D
#   5 read of unmapped 0x1200000    -> #PF exit, error code 4 (user, read, not present)
#   r8 = mask of passing cases (0x3f)    r9 = first failing case (-1 = none)
#   r10 = its result (exit reason), r11 = its qualification, r12 = its GUEST_RIP
# expect: stop=halt r8=0x3f r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

USER_CODE_BEGIN
        .globl u0, u1, u2, u3, u4, u5
u0:     vmcall
u1:     cpuid
u2:     mov $VMCS_GUEST_RIP, %edx
u2x:    vmread %rdx, %rax
u3:     mov $MSR_FS_BASE, %ecx
u3x:    rdmsr
u4:     hlt
u5:     mov 0x1200000, %rax
USER_CODE_END
USER_STACK
        .text

        .section .rodata
        .balign 8
table:
        XCASE user, u0, EXIT_REASON_VMCALL, 0, u0, post_u0
        XCASE user, u1, EXIT_REASON_CPUID, 0, u1, 0
        XCASE user, u2, EXIT_REASON_VMREAD, XANY, u2x, 0
        XCASE user_gp, u3, EXIT_REASON_EXCEPTION_NMI, 0, u3x, post_gp
        XCASE user_gp_hlt, u4, EXIT_REASON_EXCEPTION_NMI, 0, u4, post_gp
        XCASE user_pf, u5, EXIT_REASON_EXCEPTION_NMI, 0x1200000, u5, post_pf
table_end:
        .text

user:   VMCS_WRITE VMCS_GUEST_CS_SELECTOR, USER_CS
        VMCS_WRITE VMCS_GUEST_CS_AR, 0xa0fb
        VMCS_WRITE VMCS_GUEST_SS_SELECTOR, USER_DS
        VMCS_WRITE VMCS_GUEST_SS_AR, 0xc0f3
        VMCS_WRITE VMCS_GUEST_DS_SELECTOR, USER_DS
        VMCS_WRITE VMCS_GUEST_DS_AR, 0xc0f3
        VMCS_WRITE VMCS_GUEST_ES_SELECTOR, USER_DS
        VMCS_WRITE VMCS_GUEST_ES_AR, 0xc0f3
        VMCS_WRITE VMCS_GUEST_RSP, ustack_top
        ret
user_gp:
        call user
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 13
        ret
user_gp_hlt:
        call user_gp
        VMCS_SET VMCS_PROC_CONTROLS, PROC_HLT_EXITING
        ret
user_pf:
        call user
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 14
        ret

post_u0:
        VMCS_READ VMCS_GUEST_CS_SELECTOR, %rcx
        xor %eax, %eax
        cmp $USER_CS, %ecx
        sete %al
        ret
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
post_pf:
        VMCS_READ VMCS_EXIT_INTR_INFO, %rcx
        xor %eax, %eax
        cmp $0x80000b0e, %ecx
        jne 1f
        VMCS_READ VMCS_EXIT_INTR_ERROR, %rcx
        xor %eax, %eax
        cmp $PF_U, %ecx
        sete %al
1:      ret

        .globl test_main
test_main:
        MAP_USER_CODE_AND_STACK
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret
