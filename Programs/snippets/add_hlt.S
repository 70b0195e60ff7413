# The README's first example: add two registers and halt.
# set: rax=2 rbx=40
# expect: stop=halt rax=0x2a instructions=2 rip=0x400004
        .globl _start
_start: add %rbx, %rax
        hlt
