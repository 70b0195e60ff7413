# Interrupt-window and NMI-window exiting, virtual NMIs, NMI injection (SDM vol. 3C "Primary
# Processor-Based VM-Execution Controls" bits 2 and 22; "Interrupt-Window Exiting and Virtual-Interrupt
# Delivery", "NMI-Window Exiting": the exit happens at the first instruction boundary where RFLAGS.IF = 1
# and there is no blocking by STI or MOV SS, resp. where there is no virtual-NMI blocking, including right
# after VM entry; "Interruptibility State" after entry; "Event Injection": an injected NMI with virtual
# NMIs = 1 sets virtual-NMI blocking, which the guest's IRET clears; "VM-Entry Failures During or After
# Loading Guest State": a guest-state failure leaves the VM-entry interruption information valid).
# One fresh VMCS per case (vmx_table.S); the guest's NMI handler is the runtime's (shared IDT, IST1; MSR
# bitmaps, all zero, let its RDMSR of GS_BASE run in the guest).
#   0 interrupt window; guest NOP; STI; NOP; NOP        -> 7 at the second NOP after STI (STI shadow)
#   1 interrupt window, guest RFLAGS.IF = 1             -> 7 before the first guest instruction
#   2 the same with interruptibility "blocking by STI"  -> 7 after one guest instruction
#   3 NMI window (+ NMI exiting, virtual NMIs)          -> 8 before the first guest instruction
#   4 NMI window, interruptibility "blocking by NMI"; the guest IRETs (iret_to_self) -> 8 right after the
#     IRETQ (at iret_to_self_done), and the saved interruptibility has bit 3 clear
#   5 NMI window, injected NMI (0x80000202): the guest handler runs, its IRETQ ends virtual-NMI blocking
#     -> 8 at the interrupted RIP; the runtime logged 1 NMI with that RIP
#   6 injected NMI without windows: handled in the guest, which goes on to VMCALL -> 18; 2nd NMI logged
#   7 interruptibility "blocking by STI" with RFLAGS.IF = 0 (invalid guest state) and an injected #UD
#     -> 0x80000021, qualification 0; the VM-entry interruption information stays 0x80000306
#   8 interrupt window; guest PUSHQ 0x202; POPFQ (sets IF, no interrupt shadow) -> 7 right after the POPFQ
#   r8 = mask of passing cases (0x1ff)    r9 = first failing case (-1 = none)
#   r10 = its exit reason, r11 = its qualification, r12 = its GUEST_RIP (when r9 is not -1)
# expect: stop=halt r8=0x1ff r9=0xffffffffffffffff nmisDelivered=2
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE set_iw, w0, EXIT_REASON_INTERRUPT_WINDOW, 0, w0x, 0
        XCASE set_iw_if, w1, EXIT_REASON_INTERRUPT_WINDOW, 0, w1, 0
        XCASE set_iw_if_sti, w2, EXIT_REASON_INTERRUPT_WINDOW, 0, w2x, 0
        XCASE set_nw, w3, EXIT_REASON_NMI_WINDOW, 0, w3, 0
        XCASE set_nw_blocked, w4, EXIT_REASON_NMI_WINDOW, 0, iret_to_self_done, post_w4
        XCASE set_nw_inject, w5, EXIT_REASON_NMI_WINDOW, 0, w5, post_w5
        XCASE set_inject_nmi, w6, EXIT_REASON_VMCALL, 0, w6x, post_w6
        XCASE set_bad_sti, w7, EXIT_REASON_ENTRY_FAILURE | EXIT_REASON_ENTRY_FAIL_GUEST, 0, XANY, post_w7
        XCASE set_iw, w8, EXIT_REASON_INTERRUPT_WINDOW, 0, w8x, 0
table_end:
        .text

set_iw:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_INTR_WINDOW
        ret
set_iw_if:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_INTR_WINDOW
        VMCS_WRITE VMCS_GUEST_RFLAGS, 0x202
        ret
set_iw_if_sti:
        call set_iw_if
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 1
        ret
set_nw:
        VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS
        VMCS_SET VMCS_PROC_CONTROLS, PROC_NMI_WINDOW
        ret
set_nw_blocked:
        call set_nw
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 8
        ret
set_nw_inject:
        call set_nw
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS      // the handler's RDMSR GS_BASE runs
        ret
set_inject_nmi:
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        ret
set_bad_sti:
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 1
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 6
        ret

post_w4:
        VMCS_READ VMCS_GUEST_INTERRUPTIBILITY, %rcx
        xor %eax, %eax
        test $8, %ecx
        setz %al
        ret
post_w5:
        xor %eax, %eax
        cmpq $1, nmi_log + NL_COUNT
        jne 1f
        cmpq $w5, NLE(0, NLE_RIP)
        jne 1f
        mov $1, %eax
1:      ret
post_w6:
        xor %eax, %eax
        cmpq $2, nmi_log + NL_COUNT
        jne 1f
        cmpq $w6, NLE(1, NLE_RIP)
        jne 1f
        mov $1, %eax
1:      ret
post_w7:
        VMCS_READ VMCS_ENTRY_INTR_INFO, %rcx
        xor %eax, %eax
        cmp $INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 6, %ecx
        sete %al
        ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl w0, w0x, w1, w2, w2x, w3, w4, w5, w6, w6x, w7, w8, w8x
w0:     nop
        sti
        nop
w0x:    nop
        ud2
w1:     nop
        ud2
w2:     nop
w2x:    nop
        ud2
w3:     nop
        ud2
w4:     call iret_to_self
        ud2
w5:     nop
        ud2
w6:     nop
w6x:    vmcall
w7:     nop
        ud2
w8:     pushq $0x202
        popfq                           // IF = 1, no shadow: the window opens right after POPFQ
w8x:    nop
        nop
        ud2
