# SWAPGS and per-CPU data through GS. The runtime maps its per-CPU page at 0xfffffe0000000000 and
# puts that in IA32_GS_BASE; the test puts a user GS area (0x1c00000, a user page) in
# IA32_KERNEL_GS_BASE. SWAPGS exchanges the two MSRs (SDM vol. 2 SWAPGS); %gs: operands use the
# GS base. run_user swaps before IRETQ, so user code sees its own area through %gs:, and the
# int $0x80 entry swaps back (it came from CPL 3), so the kernel sees its per-CPU data. With
# CR4.FSGSBASE set, RDGSBASE reads the same base.
# expect: stop=halt r8=0x2121555043524550 r9=0xfffffe0000000000 r10=0x5553455247534153 r11=0x5553455247534153 r12=0xfffffe0000000000 r13=0x1c00000 r14=0xfffffe0000000000 r15=0xfffffe0000000000 gsbase=0xfffffe0000000000 kernelgsbase=0x1c00000
#include "../host/runtime.S"
        .globl test_main
test_main:
        // Results are kept in callee-saved registers across the helper calls, moved to r8-r15 at the end.
        mov %gs:PCPU_MAGIC, %rbx
        mov %gs:PCPU_SELF, %rbp
        mov $0x1c00000, %edi                // the user GS area, a user page
        mov $0x300000000, %rsi
        mov $PTE_USER, %edx
        call map_page
        movabs $0x5553455247534153, %rax
        mov %rax, 0x1c00000
        mov $MSR_KERNEL_GS_BASE, %ecx
        mov $0x1c00000, %eax
        xor %edx, %edx
        wrmsr
        swapgs                              // in the kernel, by hand
        mov %gs:0, %r12
        swapgs
        MAP_USER_CODE_AND_STACK
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        mov %r12, %r10                      // %gs:0 after a kernel SWAPGS
        mov %rbx, %r8
        mov %rbp, %r9
        mov %rax, %r11                      // %gs:0 in user mode
        mov %rdx, %r12                      // SYS_GETPCPU: the kernel's %gs:PCPU_SELF
        mov $MSR_KERNEL_GS_BASE, %ecx       // back in the kernel: both MSRs as before
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r13
        mov $MSR_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r14
        mov %cr4, %rax
        bts $16, %rax                       // CR4.FSGSBASE
        mov %rax, %cr4
        rdgsbase %r15
        btr $16, %rax
        mov %rax, %cr4
        ret

        USER_CODE_BEGIN
ustart: mov %gs:0, %rbx
        mov $SYS_GETPCPU, %eax
        int $0x80
        mov %rax, %rsi
        mov %rbx, %rdi
        mov $SYS_EXIT, %eax
        int $0x80
        ud2
        USER_CODE_END

        USER_STACK
