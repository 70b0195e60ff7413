# EPT violations and misconfigurations (SDM vol. 3C "EPT Violations", "EPT Misconfigurations", "Exit
# Qualification for EPT Violations"; CAPABILITIES.md: no execute-only translations, no advanced VM-exit
# information, so qualification bits 9-11 are 0). With "enable EPT", guest-physical addresses go through
# the EPT tables built by ept_identity_setup (identity, 4 KiB pages, RWX). The host removes one right per
# page: W of rw_page (leaf R|X), everything of np_page (leaf 0), X of xpage (leaf R|W); and gives mc_page a
# leaf with W but not R, a misconfiguration. Each guest access then exits, is checked, and the host resumes
# the guest at the next label:
#   write to rw_page+0x123  -> 48, qualification W(1) | R(3) | X(5) | linear valid(7) | translated(8) = 0x1aa
#   read of np_page+0x456   -> 48, qualification read(0) | 7 | 8 = 0x181 (bits 3-5 zero: not present)
#   jump to xpage           -> 48, qualification fetch(2) | R(3) | W(4) | 7 | 8 = 0x19c
#   read of mc_page+0x10    -> 49 (EPT misconfiguration)
# GUEST_PHYSICAL_ADDRESS is the full guest-physical address accessed and GUEST_LINEAR_ADDRESS the linear
# address (equal here: the guest's page tables are the identity map). The faulting write has no effect.
#   r8  = first exit's reason << 16 | qualification (0x3001aa)    r9 = 1 if its GPA and linear address match
#   r10 = second exit (0x300181)      r11 = 1 if its GPA and linear address match
#   r12 = third exit (0x30019c)       r13 = 1 if its GPA and linear address are xpage
#   r14 = fourth exit's reason (49)   r15 = 1 if its GPA is mc_page+0x10
#   rbx = the quadword at rw_page+0x123 (0: the write did not happen)
#   rbp = the read of rw_page before (allowed by R) seen by the guest, and its final VMCALL:
#         guest R12 (0x600d) | exit reason << 16 = 0x12600d
# expect: stop=halt r8=0x3001aa r9=1 r10=0x300181 r11=1 r12=0x30019c r13=1 r14=49 r15=1 rbx=0 rbp=0x12600d
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .bss
        .balign 4096
rw_page:        .skip 4096
np_page:        .skip 4096
mc_page:        .skip 4096
        .text

/* EXIT_INFO dst: dst = exit reason << 16 | exit qualification; r14/r15 scratch: GPA, linear address */
.macro EXIT_INFO dst
        call vmx_exit_reason
        shl $16, %rax
        mov %rax, \dst
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rax
        or %rax, \dst
        VMCS_READ VMCS_GUEST_PHYSICAL_ADDRESS, %r14
        VMCS_READ VMCS_GUEST_LINEAR_ADDRESS, %r15
.endm
/* BOTH_EQ addr, dst: dst = 1 if r14 == r15 == addr */
.macro BOTH_EQ addr, dst
        xor \dst, \dst
        mov $\addr, %eax
        cmp %rax, %r14
        jne 1007f
        cmp %rax, %r15
        jne 1007f
        mov $1, \dst
1007:
.endm
.macro RESUME_AT label
        VMCS_WRITE VMCS_GUEST_RIP, \label
        VMX_RUN 1, %rax
.endm

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        call vmx_enable_ept
        mov $rw_page, %edi
        call ept_pte_lookup
        andq $~EPT_W, (%rax)
        mov $np_page, %edi
        call ept_pte_lookup
        movq $0, (%rax)
        mov $xpage, %edi
        call ept_pte_lookup
        andq $~EPT_X, (%rax)
        mov $mc_page, %edi
        call ept_pte_lookup
        movq $mc_page + EPT_W + EPT_MT_WB, (%rax)
        VMX_RUN 0, %rax
        EXIT_INFO %r8
        BOTH_EQ rw_page + 0x123, %r9
        RESUME_AT g_after_write
        EXIT_INFO %r10
        BOTH_EQ np_page + 0x456, %r11
        RESUME_AT g_after_read
        EXIT_INFO %r12
        BOTH_EQ xpage, %r13
        RESUME_AT g_after_fetch
        call vmx_exit_reason
        push %rax
        VMCS_READ VMCS_GUEST_PHYSICAL_ADDRESS, %rax
        mov $mc_page + 0x10, %ecx
        ISEQ %rcx, %rax, %r15
        pop %r14
        RESUME_AT g_after_mc
        call vmx_exit_reason
        shl $16, %rax
        mov guest_regs + GR_R12, %rbp
        or %rax, %rbp
        mov rw_page + 0x123, %rbx
        ret

        .globl guest_main, g_after_write, g_after_read, g_after_fetch, g_after_mc
guest_main:
        mov rw_page + 0x10, %rax        // R allowed: no exit
        movq $0x77, rw_page + 0x123     // W not allowed: EPT violation
        ud2
g_after_write:
        mov np_page + 0x456, %rax       // not present: EPT violation
        ud2
g_after_read:
        jmp xpage                       // X not allowed: EPT violation on the fetch
        ud2
g_after_fetch:
        mov mc_page + 0x10, %rax        // W without R: EPT misconfiguration
        ud2
g_after_mc:
        mov $0x600d, %r12d
        vmcall

        .balign 4096
        .globl xpage
xpage:  nop
        ud2
        .balign 4096
