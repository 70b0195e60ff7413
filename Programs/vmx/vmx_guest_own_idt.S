# The guest's IDTR comes from the VMCS, the host's from HOST_IDTR_BASE (SDM vol. 3C "Loading Guest
# Segment Registers and Descriptor-Table Registers": IDTR base and limit from the guest-state area;
# "Loading Host Segment and Descriptor-Table Registers": IDTR base from the host-state area, limit 0xFFFF).
# The guest gets its own IDT (a copy of the runtime's whose #PF gate points at guest_pf). A guest #PF (no
# exception-bitmap bit) is delivered through it: guest_pf reads CR2 and the error code and VMCALLs. The
# runtime's #PF handler never runs; after the exit the host's IDTR is its own again.
#   r8  = exit reason (18)      r9 = CR2 read by guest_pf (0x1200000)    r10 = error code it found (2: write)
#   r11 = 1 if the guest's RIP at the fault (frame) is guest_fault
#   r12 = exceptions logged by the runtime (0)       r13 = 1 if SIDT base after the exit is idt
#   r14 = GUEST_IDTR_BASE saved at the exit - guest_idt (0)
# expect: stop=halt r8=18 r9=0x1200000 r10=2 r11=1 r12=0 r13=1 r14=0 cr2=0x1200000
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .bss
        .balign 4096
guest_idt:      .skip 4096
        .data
desc:           .quad 0, 0
        .text

        .globl test_main
test_main:
        mov $14, %edi                   // build the guest IDT from the host's
        mov $guest_pf, %esi
        mov $0x8e, %edx
        xor %ecx, %ecx
        call set_gate
        mov $idt, %esi
        mov $guest_idt, %edi
        mov $512, %ecx
        rep movsq
        mov $14, %edi
        mov $pf_entry, %esi
        mov $0x8e, %edx
        xor %ecx, %ecx
        call set_gate
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_GUEST_IDTR_BASE, guest_idt
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        mov guest_regs + GR_R12, %r9
        mov guest_regs + GR_R13, %r10
        mov guest_regs + GR_R14, %rax
        mov $guest_fault, %ecx
        ISEQ %rcx, %rax, %r11
        mov fault_log + FL_COUNT, %r12
        sidt desc
        mov desc + 2, %rax
        mov $idt, %ecx
        ISEQ %rcx, %rax, %r13
        VMCS_READ VMCS_GUEST_IDTR_BASE, %r14
        sub $guest_idt, %r14
        ret

        .globl guest_main, guest_fault, guest_pf
guest_main:
guest_fault:
        movq $1, 0x1200000
        ud2
guest_pf:
        mov %cr2, %r12
        mov (%rsp), %r13                // error code
        mov 8(%rsp), %r14               // RIP
        vmcall
