# IDIV of INT64_MIN by -1: the quotient does not fit, #DE.
# expect: stop=exception vector=0 instructions=3
        .globl _start
_start: movabs $0x8000000000000000, %rax
        cqo
        mov $-1, %rcx
        idiv %rcx
        hlt
