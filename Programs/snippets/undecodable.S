# Bytes Capstone cannot decode raise #UD at their address.
# expect: stop=exception vector=6 rip=0x400001 instructions=1
        .globl _start
_start: nop
        .byte 0x0f, 0x04
        hlt
