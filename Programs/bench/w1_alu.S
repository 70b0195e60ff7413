# W1, the ALU loop (same body as ../shared/bench/peers/src/w1_alu.S): 3 + 4N instructions, N = 50,000,000.
        .text
        .globl _start
_start:
        mov     $50000000, %ecx
        xor     %eax, %eax
        mov     $1, %ebx
1:      add     %rbx, %rax
        xor     %rax, %rbx
        dec     %rcx
        jnz     1b
        hlt
