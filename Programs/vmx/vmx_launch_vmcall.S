# VMLAUNCH and a VMCALL exit (SDM vol. 3C "VMLAUNCH/VMRESUME", "VMCALL"; "Basic VM-Exit Information";
# "Loading Host State"). After VMXON and a valid VMCS whose guest is a copy of the host, VMLAUNCH enters the
# guest at GUEST_RIP with GUEST_RSP. The guest sets R12/RBX/RBP, then executes VMCALL, which in VMX non-root
# operation always causes a VM exit: exit reason 18, VM-exit instruction length 3 (0F 01 C1), and the saved
# guest RIP is the address of the VMCALL itself (an instruction-caused exit saves the RIP of the
# instruction). The guest RSP is saved in GUEST_RSP. The exit loads host state: RIP = HOST_RIP,
# RSP = HOST_RSP, RFLAGS = 0x2 (all arithmetic flags, IF and DF clear); the GPRs other than RSP keep the
# guest values (the landing stores them, first thing, into guest_regs).
#   r8  = VMXON status (0)        r9  = vmcs_setup status (0)     r10 = vmx_run result (0 = exited)
#   r11 = exit reason (18)        r12 = exit instruction length (3)
#   r13 = 1 if GUEST_RIP = guest_vmcall            r14 = guest R12 marker from guest_regs
#   r15 = RFLAGS at the landing (0x2)              rbx = 1 if RSP at the landing = HOST_RSP
#   rbp = 1 if GUEST_RSP = guest_stack_top - 8 (the guest pushed one quadword)
#   rsi = guest RBX marker        rdi = VM exits counted (1)
# expect: stop=halt r8=0 r9=0 r10=0 r11=18 r12=3 r13=1 r14=0x1234abcd r15=0x2 rbx=1 rbp=1 rsi=0x5a5a rdi=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        push %rbx
        push %rbp
        call vmx_on
        mov %rax, %r8
        mov $vmcs_region, %edi
        mov $guest_main, %esi
        xor %edx, %edx                  // guest_stack_top
        call vmcs_setup
        mov %rax, %r9
        stc                             // host flags before the entry: CF set; the exit clears them
        mov $0, %edi
        call vmx_run
        mov %rax, %r10
        call vmx_exit_reason
        mov %rax, %r11
        mov $VMCS_EXIT_INSTRUCTION_LEN, %edi
        call vmread_field
        mov %rax, %r12
        mov $VMCS_GUEST_RIP, %edi
        call vmread_field
        mov $guest_vmcall, %ecx
        ISEQ %rcx, %rax, %r13
        mov guest_regs + GR_R12, %r14
        mov vmx_exit_rflags, %r15
        mov vmx_exit_rsp, %rax
        ISEQ vmx_host_rsp_written, %rax, %rbx
        mov $VMCS_GUEST_RSP, %edi
        call vmread_field
        mov $guest_stack_top - 8, %ecx
        ISEQ %rcx, %rax, %rbp
        mov guest_regs + GR_RBX, %rsi
        mov vmx_exit_count, %rdi
        add $16, %rsp                   // drop the saved rbx/rbp: the results stay in the registers
        ret

/* The guest: runs at CPL 0 on guest_stack with the host's page tables. */
        .globl guest_main, guest_vmcall
guest_main:
        mov $0x1234abcd, %r12
        mov $0x5a5a, %ebx
        mov $0x6b6b, %ebp
        push %rax
        xor %eax, %eax                  // ZF=1 PF=1 before the exit
guest_vmcall:
        vmcall
        ud2                             // never resumed
