/* Guest that faults when asked and exits with CPUID (exit reason 10, unconditional in VMX non-root). */
#include "runtime.S"
        .globl guest_body
guest_body:
        call guest_maybe_fault
        push %rbx
        mov $1, %eax
        xor %ecx, %ecx
        cpuid
        pop %rbx
        ret
