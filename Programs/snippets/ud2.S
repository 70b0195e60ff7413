# UD2 raises #UD (vector 6) as a fault.
# expect: stop=exception vector=6 rip=0x400000 instructions=0
        .globl _start
_start: ud2
