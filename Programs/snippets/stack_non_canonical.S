# A push through a non-canonical RSP raises #SS(0) and RSP does not move.
# expect: stop=exception vector=12 errorCode=0x0 rsp=0x8000000000000008
        .globl _start
_start: movabs $0x8000000000000008, %rsp
        push %rax
        hlt
