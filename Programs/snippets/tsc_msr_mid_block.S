# RDMSR of IA32_TIME_STAMP_COUNTER (0x10) reads the instructions retired before it, like RDTSC, even in the
# middle of a decoded block: RDTSC ends one block, and RDMSR is the seventh instruction of the next. The
# six instructions after RDTSC plus RDTSC itself make r9 = 7 (regression: the run loop used to bring its
# counters up to date only at block starts, so RDMSR read 1).
# expect: stop=halt r9=0x7
        .globl _start
_start: rdtsc
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r8
        nop
        nop
        mov $0x10, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r9
        sub %r8, %r9
        hlt
