# An instruction outside the subset (an SSE move) stops with `unsupported` naming it, RIP on it.
# expect: stop=unsupported rip=0x400001 instructions=1
        .globl _start
_start: nop
        movaps %xmm0, %xmm1
        hlt
