# Flags computed on demand must equal eagerly computed ones: CF from an ADD survives INC and DEC
# (which do not write CF), SETcc/ADC/PUSHF read them, and the final RFLAGS is complete.
# expect: stop=halt rbx=0x1 rcx=0x1 r8=0x892 r10=0x812 rflags=0x2
        .globl _start
_start: mov $-1, %rax
        add $1, %rax            # rax = 0: CF=1 ZF=1 PF=1 AF=1
        inc %rsi                # CF kept
        dec %rsi                # CF kept (rsi back to 0)
        setc %bl                # 1
        mov $0, %ecx
        adc $0, %ecx            # 0 + 0 + CF = 1
        mov $0x7f, %al
        add $1, %al             # 0x80: SF=1 OF=1 AF=1, CF=0 ZF=0 PF=0 -> 0x892
        pushf
        pop %r8
        mov $0x80, %r9b
        cmp $1, %r9b            # 0x80 - 1 = 0x7f: OF=1 AF=1, PF=0 (7 bits) SF=0 CF=0 -> 0x812
        pushf
        pop %r10
        or %r8, %r8             # 0x892: low byte 0x92 has 3 bits -> PF=0; all status flags 0 -> 0x2
        hlt
