# W2, the memory loop (same body as the peers' w2_mem.S): 1 + 32,768 + 3 + 7N instructions, N = 20,000,000.
# rsi/rdi point at two 64 KiB buffers at 0x100000 and 0x110000 (set by the prologue, not counted).
        .text
        .globl _start
_start:
        mov     $0x100000, %esi
        mov     $0x110000, %edi
        .globl wl_begin
wl_begin:
        xor     %edx, %edx
2:      mov     %rdx, (%rsi,%rdx)
        add     $8, %rdx
        cmp     $0x10000, %rdx
        jne     2b
        mov     $20000000, %ecx
        xor     %eax, %eax
        xor     %edx, %edx
1:      mov     (%rsi,%rdx), %r8
        add     %r8, %rax
        mov     %rax, (%rdi,%rdx)
        add     $8, %rdx
        and     $0xffff, %edx
        dec     %rcx
        jnz     1b
        hlt
