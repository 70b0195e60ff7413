/*
 * Guest that faults when asked and then reads guest-physical memory above the 16 MiB the lab's EPT maps
 * (64 MiB + (t mod 256) * 2 MiB, identity-mapped by the guest's own page tables): EPT violation (exit
 * reason 48). The host maps that 2 MiB page in the EPT (dropping the previous one) and the read is retried
 * at the next entry; the next transition's read then faults again.
 */
#include "runtime.S"
        .globl guest_body
guest_body:
        call guest_maybe_fault
        mov %edi, %eax
        and $255, %eax
        shl $21, %rax
        add $0x4000000, %rax
        .globl guest_ept_read_insn
guest_ept_read_insn:
        mov (%rax), %rcx
        ret
