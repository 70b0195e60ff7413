/* Guest that faults when asked and exits with HLT (exit reason 12; the lab sets HLT exiting). */
#include "runtime.S"
        .globl guest_body
guest_body:
        call guest_maybe_fault
        hlt
        ret
