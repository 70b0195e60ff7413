/*
 * Guest that faults when asked and is then interrupted by a host NMI (exit reason 0, NMI exiting): the lab
 * injects one NMI each transition the first time the guest reaches guest_nmi_point (TinyVMX's CR2 lab
 * looks for this symbol). The host handles it like KVM, calling its NMI handler, which sees the CR2 the
 * routine left. The exit happens before the NOP; the next entry resumes there.
 */
#include "runtime.S"
        .globl guest_body
guest_body:
        call guest_maybe_fault
        .globl guest_nmi_point
guest_nmi_point:
        nop
        ret
