# W3, the call/ret loop (same body as the peers' w3_call.S): 3 + 10N instructions, N = 20,000,000.
        .text
        .globl _start
_start:
        mov     $20000000, %ecx
        xor     %eax, %eax
1:      mov     %ecx, %edi
        call    f
        dec     %ecx
        jnz     1b
        jmp     done
f:      mov     %edi, %edx
        and     $3, %edx
        cmp     $2, %edx
        jae     2f
        add     %rdi, %rax
        ret
2:      xor     %rdi, %rax
        ret
done:   hlt
