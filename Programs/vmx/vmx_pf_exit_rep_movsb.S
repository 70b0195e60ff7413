# A #PF VM exit in the middle of REP MOVSB (SDM vol. 2 MOVS/REP: a fault in a repeated string instruction is
# taken with RCX/RSI/RDI reflecting the iterations done and RIP at the instruction, so it can be restarted;
# vol. 3C "Exception Bitmap"; the exit saves the guest GPRs as they were at the fault). The guest copies 32
# bytes from guest_page to 0xfffff0: the first 16 land in the last identity-mapped page, the 17th faults
# on 0x1000000 (not mapped). Exception-bitmap bit 14: exit with qualification 0x1000000, error code 2,
# GUEST_RIP at the REP MOVSB, guest RCX 16, RSI/RDI advanced by 16. The host maps 0x1000000 and resumes at
# the same RIP; the copy finishes and the guest VMCALLs.
#   r8  = first exit reason (0) | qualification << 8 (0x100000000)   r9 = error code (2)
#   r10 = 1 if GUEST_RIP is guest_rep         r11 = guest RCX at the exit (16)
#   r12 = guest RDI at the exit (0x1000000)   r13 = guest RSI at the exit - guest_page (16)
#   r14 = second exit reason (18)             r15 = guest RCX at the end (0)
#   rbx = the quadword at 0x1000008 (bytes 24..31 of the source: 0x1f1e1d1c1b1a1918)
# expect: stop=halt r8=0x100000000 r9=2 r10=1 r11=16 r12=0x1000000 r13=16 r14=18 r15=0 rbx=0x1f1e1d1c1b1a1918
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        xor %ecx, %ecx                  // guest_page[i] = i
1:      mov %cl, guest_page(%rcx)
        inc %ecx
        cmp $32, %ecx
        jb 1b
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 14
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rax
        shl $8, %rax
        or %rax, %r8
        VMCS_READ VMCS_EXIT_INTR_ERROR, %r9
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_rep, %ecx
        ISEQ %rcx, %rax, %r10
        mov guest_regs + GR_RCX, %r11
        mov guest_regs + GR_RDI, %r12
        mov guest_regs + GR_RSI, %r13
        sub $guest_page, %r13
        push %r8                        // map_page clobbers r8, r9
        push %r9
        mov $0x1000000, %edi
        movabs $0x300005000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        pop %r9
        pop %r8
        VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r14
        mov guest_regs + GR_RCX, %r15
        mov 0x1000008, %rbx
        ret

        .globl guest_main, guest_rep
guest_main:
        mov $guest_page, %esi
        mov $0xfffff0, %edi
        mov $32, %ecx
        cld
guest_rep:
        rep movsb
        vmcall
