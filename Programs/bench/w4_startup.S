# W4, start-up: 10 straight-line ALU instructions, then hlt.
        .text
        .globl _start
_start:
        mov     $1, %eax
        mov     $2, %ebx
        add     %rbx, %rax
        imul    %rax, %rbx
        lea     3(%rax,%rbx), %rcx
        xor     %rcx, %rax
        shl     $2, %rax
        sub     %rbx, %rax
        inc     %rax
        not     %rax
        hlt
