/*
 * Guest that takes #PFs and handles them: on a transition the host marks (RSI & 1) it reads a not-present
 * kernel-half address (0xffffc900004xx010), its own #PF handler maps it, and the read is retried. Every
 * transition then ends with VMCALL. After a faulting transition the guest's CR2 is the fault address.
 */
#include "runtime.S"
        .globl guest_body
guest_body:
        call guest_maybe_fault
        vmcall
        ret
