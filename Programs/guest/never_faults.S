/*
 * Guest that never faults and never touches CR2: it ignores the host's fault requests and ends every
 * transition with VMCALL. With a host that never faults, neither stock nor patched KVM writes CR2.
 */
#include "runtime.S"
        .globl guest_body
guest_body:
        vmcall
        ret
