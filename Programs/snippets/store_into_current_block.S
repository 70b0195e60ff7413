# A store into the instruction right after it, in the same decoded block: the new instruction runs.
# expect: stop=halt rax=0x2a
        .globl _start
_start: movb $0x2a, 2f+1
2:      mov $1, %eax
        hlt
