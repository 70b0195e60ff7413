# CPL 3 and back. run_user IRETQs to user code (CS 0x23, SS 0x1b, user pages). INT $0x80 goes
# through a DPL-3 interrupt gate: the CPU switches to TSS.RSP0, pushes the user SS:RSP, and IRETQ
# returns to CPL 3 with the result in RAX (SYS_ADD 40+2). INT $0x81 goes through a DPL-0 gate:
# gate DPL < CPL gives #GP with error code vector*8+2 (IDT bit set, SDM 6.13 / INT n), and the
# saved RIP is the INT instruction. SYS_EXIT returns to the kernel.
# The #GP frame is on the RSP0 stack (TSS.RSP0, 16-aligned): its RIP slot is at RSP0-40 (rbx=0).
# expect: stop=halt r8=42 r9=7 r10=2 r11=13 r12=0x40a r13=0x23 r14=0x1b r15=1 rbx=0
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $gp_hook, vector_handlers + 13 * 8
        MAP_USER_CODE_AND_STACK
        mov $ustart, %edi
        mov $ustack_top, %esi
        mov $40, %edx
        call run_user
        mov %rax, %r8
        mov %rdx, %r9
        mov syscall_count, %r10
        mov fault_log + FL_LAST_VECTOR, %r11
        mov fault_log + FL_LAST_ERROR, %r12
        mov FLE(0, FLE_CS), %r13
        mov saved_ss, %r14
        mov $uint81, %eax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r15
        mov FLE(0, FLE_FRAME), %rbx
        sub $kstack_top - 40, %rbx
        ret

        USER_CODE_BEGIN
ustart: mov $SYS_ADD, %eax                  // RDI = 40 from run_user
        mov $2, %esi
        int $0x80
        mov %rax, %r12
uint81: int $0x81
1:      mov $SYS_EXIT, %eax
        mov %r12, %rdi
        mov $7, %esi
        int $0x80
        ud2
        EXTABLE(uint81, 1b)
        USER_CODE_END

        .text
// the SS saved in the #GP frame, via a vector-13 hook that then declines (extable does the rest)
gp_hook:
        mov TF_SS(%rdi), %rax
        mov %rax, saved_ss
        xor %eax, %eax
        ret
        .data
saved_ss: .quad 0

        USER_STACK
