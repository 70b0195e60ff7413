/* ---------------------------------------------------------------- oops (like __show_regs) */

/* rt_oops_str: copy the NUL-terminated string at %rsi to the cursor %r15 (no NUL). */
rt_oops_str:
1:      movzbl (%rsi), %eax
        test %al, %al
        jz 2f
        mov %al, (%r15)
        inc %rsi
        inc %r15
        jmp 1b
2:      ret

/* oops_selector_value: write "SSSS:VVVVVVVVVVVVVVVV" (selector %rax, value %rdx) at the cursor %r15,
   as __show_regs prints RIP and RSP. Clobbers what oops_hex clobbers and %rdx. */
oops_selector_value:
        push %rdx
        mov $4, %ecx
        call oops_hex
        movb $':', (%r15)
        inc %r15
        pop %rax
        mov $16, %ecx
        jmp oops_hex

/* oops_hex: write the low %ecx hex digits of %rax (lowercase) at the cursor %r15. */
        .globl oops_hex
oops_hex:
        mov %ecx, %edx
1:      dec %edx
        mov %rax, %r8
        mov %edx, %ecx
        shl $2, %ecx
        shr %cl, %r8
        and $15, %r8d
        movzbl .Lhex_digits(%r8), %r8d
        mov %r8b, (%r15)
        inc %r15
        test %edx, %edx
        jnz 1b
        ret

/* rt_oops_msr: %ecx = MSR, returns the 64-bit value in %rax */
rt_oops_msr:
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        ret

/*
 * oops(frame %rdi): write a register dump into oops_log (NUL-terminated, length in oops_log_len):
 *   Oops: 000e error 0000000000000002 [#1]
 *   RIP: 0008:0000000000400123
 *   RSP: 0010:00000000007fffe0 EFLAGS: 00010046
 *   RAX: ... RBX: ... RCX: ...   (five lines of three registers, as __show_regs)
 *   FS:  ... GS: ... knlGS: ...
 *   CS:  0008 CR0: 0000000080050033
 *   CR2: 00000000deadbeef CR3: ... CR4: ...
 * CR2 is the live register (mov %cr2), also left in oops_cr2.
 */
        .globl oops
oops:
        push %rbx
        push %r12
        push %r13
        push %r15
        mov %rdi, %rbx
        incq oops_count
        mov %cr2, %r12                  // the live CR2, as Linux __show_regs reads it
        mov %r12, oops_cr2
        mov $oops_log, %r15d
        mov $.Ls_oops, %esi
        call rt_oops_str
        mov TF_VECTOR(%rbx), %rax
        mov $4, %ecx
        call oops_hex
        mov $.Ls_error, %esi
        call rt_oops_str
        mov TF_ERROR(%rbx), %rax
        mov $16, %ecx
        call oops_hex
        mov $.Ls_count, %esi
        call rt_oops_str
        mov oops_count, %rax
        mov $1, %ecx
        call oops_hex
        mov $.Ls_rip, %esi
        call rt_oops_str
        mov TF_CS(%rbx), %rax
        mov TF_RIP(%rbx), %rdx
        call oops_selector_value
        mov $.Ls_rsp, %esi
        call rt_oops_str
        mov TF_SS(%rbx), %rax
        mov TF_RSP(%rbx), %rdx
        call oops_selector_value
        mov $.Ls_eflags, %esi
        call rt_oops_str
        mov TF_RFLAGS(%rbx), %rax
        mov $8, %ecx
        call oops_hex
        movb $0x0a, (%r15)
        inc %r15
        // 15 GPRs, three per line
        xor %r13d, %r13d
1:      movzbl .Lgpr_offsets(%r13), %eax
        mov (%rbx,%rax), %r12
        lea .Lgpr_names(,%r13,4), %rsi
        call rt_oops_str
        movw $0x203a, (%r15)            // ": "
        add $2, %r15
        mov %r12, %rax
        mov $16, %ecx
        call oops_hex
        mov $0x20, %al
        mov %r13d, %ecx
        inc %ecx
        imul $0xAAAB, %ecx, %edx        // (i+1) % 3 == 0 -> newline
        shr $17, %edx
        imul $3, %edx, %edx
        cmp %edx, %ecx
        jne 2f
        mov $0x0a, %al
2:      mov %al, (%r15)
        inc %r15
        inc %r13d
        cmp $15, %r13d
        jb 1b
        mov $.Ls_fs, %esi
        call rt_oops_str
        mov $MSR_FS_BASE, %ecx
        call rt_oops_msr
        mov $16, %ecx
        call oops_hex
        mov $.Ls_gs, %esi
        call rt_oops_str
        mov $MSR_GS_BASE, %ecx
        call rt_oops_msr
        mov $16, %ecx
        call oops_hex
        mov $.Ls_knlgs, %esi
        call rt_oops_str
        mov $MSR_KERNEL_GS_BASE, %ecx
        call rt_oops_msr
        mov $16, %ecx
        call oops_hex
        mov $.Ls_cs, %esi
        call rt_oops_str
        mov TF_CS(%rbx), %rax
        mov $4, %ecx
        call oops_hex
        mov $.Ls_cr0, %esi
        call rt_oops_str
        mov %cr0, %rax
        mov $16, %ecx
        call oops_hex
        mov $.Ls_cr2, %esi
        call rt_oops_str
        mov oops_cr2, %rax
        mov $16, %ecx
        call oops_hex
        mov $.Ls_cr3, %esi
        call rt_oops_str
        mov %cr3, %rax
        mov $16, %ecx
        call oops_hex
        mov $.Ls_cr4, %esi
        call rt_oops_str
        mov %cr4, %rax
        mov $16, %ecx
        call oops_hex
        movb $0x0a, (%r15)
        inc %r15
        movb $0, (%r15)
        mov %r15, %rax
        sub $oops_log, %rax
        mov %rax, oops_log_len
        pop %r15
        pop %r13
        pop %r12
        pop %rbx
        ret
