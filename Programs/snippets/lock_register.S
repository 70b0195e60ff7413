# LOCK on a register destination is #UD.
# expect: stop=exception vector=6 instructions=0
        .globl _start
_start: .byte 0xf0, 0x48, 0x01, 0xd8
        hlt
