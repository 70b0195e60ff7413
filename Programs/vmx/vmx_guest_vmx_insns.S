# VMX instructions in VMX non-root operation cause VM exits (SDM vol. 3C "Instructions That Cause VM Exits
# Unconditionally": INVEPT, INVVPID, VMCALL, VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMRESUME, VMXOFF, VMXON;
# VMREAD/VMWRITE exit too without VMCS shadowing; exit reasons in appendix C). The exit happens before any
# other check (CPL, operands): nothing is executed. The guest runs one instruction per entry, in order
# VMCLEAR VMPTRLD VMPTRST VMREAD VMWRITE VMLAUNCH VMRESUME VMXOFF VMXON INVEPT INVVPID VMCALL; after each
# exit the host checks the exit reason, VM-exit instruction length (the instruction's byte count) and
# GUEST_RIP (the instruction's address), then resumes past it (GUEST_RIP += length).
# Expected exit reasons: 19 21 22 23 25 20 24 26 27 50 53 18.
#   r8  = exits whose reason matched (12)     r9 = exits whose instruction length matched (12)
#   r10 = exits whose GUEST_RIP matched (12)  r11 = exits (12)
#   r12 = VMPTRST by the host afterwards (1 if vmcs_region: the guest's VMCLEAR/VMPTRLD had no effect)
#   r13 = guest R14 marker stored at the end (0x600d: the guest continued after every exit)
#   r14 = first mismatching exit index << 8 | its reason, or 0xff if none
# expect: stop=halt r8=12 r9=12 r10=12 r11=12 r12=1 r13=0x600d r14=0xff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .section .rodata
        .balign 8
/* per exit: expected reason, instruction address, next instruction address */
table:
        .quad EXIT_REASON_VMCLEAR, g0, g1
        .quad EXIT_REASON_VMPTRLD, g1, g2
        .quad EXIT_REASON_VMPTRST, g2, g3
        .quad EXIT_REASON_VMREAD, g3, g4
        .quad EXIT_REASON_VMWRITE, g4, g5
        .quad EXIT_REASON_VMLAUNCH, g5, g6
        .quad EXIT_REASON_VMRESUME, g6, g7
        .quad EXIT_REASON_VMXOFF, g7, g8
        .quad EXIT_REASON_VMXON, g8, g9
        .quad EXIT_REASON_INVEPT, g9, g10
        .quad EXIT_REASON_INVVPID, g10, g11
        .quad EXIT_REASON_VMCALL, g11, g12
table_end:
        .text

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        xor %r8d, %r8d
        xor %r9d, %r9d
        xor %r10d, %r10d
        xor %r11d, %r11d
        mov $0xff, %r14d
        mov $table, %ebx
        xor %edi, %edi
1:      cmp $table_end, %rbx
        jae 9f
        call vmx_run
        test %eax, %eax
        jnz 9f
        inc %r11
        xor %r15d, %r15d                // r15 = 1 if this exit fully matched
        call vmx_exit_reason
        mov %rax, %rbp
        cmp (%rbx), %rax
        jne 2f
        inc %r8
        inc %r15
2:      VMCS_READ VMCS_EXIT_INSTRUCTION_LEN, %rax
        mov 16(%rbx), %rcx
        sub 8(%rbx), %rcx
        cmp %rcx, %rax
        jne 3f
        inc %r9
        inc %r15
3:      VMCS_READ VMCS_GUEST_RIP, %rax
        cmp 8(%rbx), %rax
        jne 4f
        inc %r10
        inc %r15
4:      cmp $3, %r15
        je 5f
        cmp $0xff, %r14
        jne 5f
        mov %r11, %r14
        dec %r14
        shl $8, %r14
        or %rbp, %r14
5:      mov $VMCS_GUEST_RIP, %edi       // resume at the next instruction (from the table)
        mov 16(%rbx), %rsi
        call vmwrite_field
        add $24, %rbx
        mov $1, %edi
        jmp 1b
9:      mov $1, %edi                    // once more: the guest stores its marker and VMCALLs
        call vmx_run
        sub $8, %rsp
        vmptrst (%rsp)
        pop %rax
        mov $vmcs_region, %ecx
        ISEQ %rcx, %rax, %r12
        mov guest_regs + GR_R14, %r13
        ret

        .globl guest_main
guest_main:
        mov $guest_page, %eax           // a memory operand
        mov $VMCS_GUEST_RIP, %ebx
        mov $2, %edx
g0:     vmclear (%rax)
g1:     vmptrld (%rax)
g2:     vmptrst (%rax)
g3:     vmread %rbx, %rcx
g4:     vmwrite %rcx, %rbx
g5:     vmlaunch
g6:     vmresume
g7:     vmxoff
g8:     vmxon (%rax)
g9:     invept (%rax), %rdx
g10:    invvpid (%rax), %rdx
g11:    vmcall
g12:    mov $0x600d, %r14d
        vmcall
