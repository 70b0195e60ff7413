# A minimal kernel that takes NMIs: GDT with a 64-bit code segment, an IDT whose vector 2 is an
# interrupt gate to a handler that counts NMIs in R14, records the interrupted RIP in R13 and the CR2
# it sees in R12, then IRETQs. The loop runs 10 times; the NMI lands before instruction 12, i.e. when
# RIP is at `body` for the second time (instructions 1-9 are setup, then dec/jnz per iteration).
# IRETQ pops SS too (always, in 64-bit mode), so the GDT needs the data segment SS=0x10 names.
# nmi-at-instruction: 12
# expect: stop=halt r14=1 r13=0x400034 r12=0xc0de rcx=0 cr2Reads=1 cr2Writes=1 nmisDelivered=1
        .globl _start
_start: lgdt gdtr(%rip)
        lea nmi(%rip), %rax
        mov %ax, idt+2*16(%rip)                 # offset 15:0
        shr $16, %rax
        mov %ax, idt+2*16+6(%rip)               # offset 31:16 (63:32 stay 0)
        lidt idtr(%rip)
        mov $0xc0de, %eax
        mov %rax, %cr2
        mov $10, %ecx
body:   dec %ecx
        jnz body
        cli
        hlt

nmi:    inc %r14
        mov (%rsp), %r13
        mov %cr2, %r12
        iretq

        .data
        .balign 16
gdt:    .quad 0
        .quad 0x00209a0000000000                # 0x08: 64-bit code, DPL 0
        .quad 0x0000920000000000                # 0x10: data, DPL 0
gdt_end:
gdtr:   .word gdt_end - gdt - 1
        .quad gdt
        .balign 16
idt:    .fill 2*16, 1, 0
        .word 0, 0x08, 0x8e00, 0                # vector 2: interrupt gate, CS 0x08 (offset patched)
        .long 0, 0
idt_end:
idtr:   .word idt_end - idt - 1
        .quad idt
