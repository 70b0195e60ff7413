/* ---------------------------------------------------------------- small library */

/* rt_strstr(haystack %rdi, needle %rsi) -> %rax = first match or 0 (NUL-terminated strings). */
        .globl rt_strstr
rt_strstr:
1:      xor %ecx, %ecx
2:      movzbl (%rsi,%rcx), %eax
        test %al, %al
        jz 4f                           // needle exhausted: match at rdi
        cmp (%rdi,%rcx), %al
        jne 3f
        inc %rcx
        jmp 2b
3:      cmpb $0, (%rdi)
        je 5f
        inc %rdi
        jmp 1b
4:      mov %rdi, %rax
        ret
5:      xor %eax, %eax
        ret
