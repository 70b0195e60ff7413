# A non-canonical address raises #GP(0), not #PF, and CR2 is untouched.
# expect: stop=exception vector=13 errorCode=0x0 cr2=0x0
        .globl _start
_start: movabs $0x0000800000000000, %rbx
        mov (%rbx), %rax
        hlt
