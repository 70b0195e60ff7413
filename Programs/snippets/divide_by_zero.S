# DIV by zero raises #DE (vector 0) as a fault: RIP stays on the div, the div has not retired.
# expect: stop=exception vector=0 rip=0x400007 instructions=2
        .globl _start
_start: mov $10, %eax
        xor %ecx, %ecx
        div %ecx
        hlt
