# Privileged instructions at CPL 3 raise #GP(0) (SDM vol. 2: MOV from CR2 "#GP(0) if CPL is not 0";
# CLI "#GP(0) if CPL is greater than IOPL" (IOPL=0 here, no PVI); HLT, WRMSR, RDMSR, SWAPGS, INVLPG,
# LGDT, LIDT, LTR, CLTS, WBINVD, INVD, MOV to CR3, MOV from CR0 and MOV to CR8: "#GP(0) if the current
# privilege level is not 0"). Each is a fault: the saved RIP is the instruction, CS is 0x23,
# nothing is executed (RAX keeps its value, the machine does not halt, no CR2 read counted, the
# GS bases are not swapped), and the exception-table fixup resumes the user code after it.
# Not privileged without UMIP/TSD (CR4.UMIP=0, CR4.TSD=0): SGDT, SIDT, STR and RDTSC run at CPL 3;
# SGDT stores the GDTR the runtime loaded (limit 0x37: 7 descriptors' worth of bytes, minus 1).
# expect: stop=halt r8=18 r9=0x0 r10=234 r11=18 r12=18 r13=0x77 r14=1 r15=0x28 rbx=0x37 cr2Reads=0 gsbase=0xfffffe0000000000 kernelgsbase=0
#include "../host/runtime.S"
        .globl test_main
test_main:
        MAP_USER_CODE_AND_STACK
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        mov %rax, %r13                      // RAX after the faulting MOV from CR2
        mov fault_log + FL_COUNT, %r8
        xor %r9d, %r9d                      // OR of the error codes
        xor %r10d, %r10d                    // sum of the vectors
        xor %r11d, %r11d                    // saved RIP == the instruction
        xor %r12d, %r12d                    // saved CS == 0x23
        xor %ebx, %ebx
1:      mov %rbx, %rax
        shl $6, %rax                        // FLE_SIZE
        or fault_log + FL_ENTRIES + FLE_ERROR(%rax), %r9
        add fault_log + FL_ENTRIES + FLE_VECTOR(%rax), %r10
        mov upoints(,%rbx,8), %rcx
        ISEQ fault_log + FL_ENTRIES + FLE_RIP(%rax), %rcx, %rdx
        add %rdx, %r11
        ISEQ $USER_CS, fault_log + FL_ENTRIES + FLE_CS(%rax), %rdx
        add %rdx, %r12
        inc %ebx
        cmp $18, %ebx
        jb 1b
        sgdt gdtr_copy
        mov gdtr_copy + 2, %rax
        ISEQ user_gdtr + 2, %rax, %r14      // user SGDT saw the same base
        movzwl user_gdtr, %ebx              // and the limit
        mov user_tr, %r15
        ret

        .data
upoints: .quad u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14, u15, u16, u17, u18
gdtr_copy: .skip 16

        USER_CODE_BEGIN
ustart: mov $0x77, %eax
u1:     mov %cr2, %rax
1:
u2:     cli
2:
u3:     hlt
3:
u4:     wrmsr
4:      mov %rax, %rbp
        xor %ecx, %ecx
u5:     rdmsr
5:
u6:     swapgs
6:
u7:     invlpg (%rsp)
7:
u8:     lgdt (%rsp)
8:
u9:     lidt (%rsp)
9:
u10:    ltr %cx
10:
u11:    clts
11:
u12:    wbinvd
12:
u13:    invd
13:
u14:    mov %rax, %cr3
14:
u15:    mov %cr0, %rax
15:
u16:    mov %rax, %cr8
16:
u17:    mov %cr4, %rax
17:
u18:    mov %rax, %cr2
18:     sgdt user_gdtr                      // allowed at CPL 3 (no UMIP)
        sidt user_idtr
        str user_tr
        rdtsc
        mov %rbp, %rdi
        mov $SYS_EXIT, %eax
        int $0x80
        ud2
        EXTABLE(u1, 1b)
        EXTABLE(u2, 2b)
        EXTABLE(u3, 3b)
        EXTABLE(u4, 4b)
        EXTABLE(u5, 5b)
        EXTABLE(u6, 6b)
        EXTABLE(u7, 7b)
        EXTABLE(u8, 8b)
        EXTABLE(u9, 9b)
        EXTABLE(u10, 10b)
        EXTABLE(u11, 11b)
        EXTABLE(u12, 12b)
        EXTABLE(u13, 13b)
        EXTABLE(u14, 14b)
        EXTABLE(u15, 15b)
        EXTABLE(u16, 16b)
        EXTABLE(u17, 17b)
        EXTABLE(u18, 18b)
        .balign 16
user_gdtr: .skip 16                         // user-writable (in the user page)
user_idtr: .skip 16
user_tr:   .quad 0
        USER_CODE_END

        USER_STACK
