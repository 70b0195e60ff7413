# Self-modifying code: the loop patches the immediate of an instruction it already executed, and the
# next execution sees the new bytes (decoded code is invalidated by the store).
# expect: stop=halt rax=0x7 rbx=0x3
        .globl _start
_start: xor %ebx, %ebx
1:      mov $1, %eax            # b8 01 00 00 00: the immediate is at 1b+1
        inc %ebx
        movb $7, 1b+1
        cmp $3, %ebx
        jne 1b
        hlt
