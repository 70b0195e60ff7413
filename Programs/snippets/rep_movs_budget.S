# A REP MOVSB stopped by the budget between iterations keeps RCX/RSI/RDI consistent and has not retired.
# max-instructions: 10
# expect: stop=instruction-limit instructions=4 rcx=0x3e9 rsi=0x100006 rdi=0x200006
        .globl _start
_start: mov $0x100000, %esi
        mov $0x200000, %edi
        mov $1000, %ecx
        add $7, %rcx
        rep movsb
        hlt
