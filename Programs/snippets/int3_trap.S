# INT3 is a trap: it retires, and RIP is after it.
# expect: stop=exception vector=3 rip=0x400001 instructions=1
        .globl _start
_start: int3
        hlt
