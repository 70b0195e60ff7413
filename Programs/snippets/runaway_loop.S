# A loop that never ends stops at the budget with RIP on the next instruction to run:
# 1 + 500 × (inc, jmp) = 1001 instructions.
# max-instructions: 1001
# expect: stop=instruction-limit instructions=1001 rax=0x1f4
        .globl _start
_start: xor %eax, %eax
1:      inc %rax
        jmp 1b
