# A store above 4 GiB: #PF with W/R set in the error code; the store has no effect and RIP stays on it.
# expect: stop=exception vector=14 errorCode=0x2 cr2=0x200000000 rip=0x40000a
        .globl _start
_start: movabs $0x200000000, %rbx
        movq $1, (%rbx)
        hlt
