# The bare profile identity-maps only the low 4 GiB: a load from 4 GiB faults with #PF, error code 0
# (not present, read, supervisor), and CR2 holds the address as it would on delivery.
# expect: stop=exception vector=14 errorCode=0x0 cr2=0x100000010 instructions=1
        .globl _start
_start: movabs $0x100000010, %rbx
        mov (%rbx), %rax
        hlt
