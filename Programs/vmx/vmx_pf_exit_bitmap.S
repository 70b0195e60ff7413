# A #PF that causes a VM exit through the exception bitmap does not write CR2 (SDM vol. 3C "Exception
# Bitmap"; "Architectural State before a VM Exit": a #PF that causes a VM exit does not update CR2, the
# linear address goes to the exit qualification; "Information for VM Exits Due to Vectored Events"). The
# host writes a marker into CR2, sets exception-bitmap bit 14 (PFEC_MASK = PFEC_MATCH = 0: every #PF
# matches) and enters the guest. A guest read of the unmapped 0x1200000 exits with reason 0, VM-exit
# interruption information 0x80000B0E (valid, error code valid, hardware exception, vector 14), error code 0
# (not present, read, supervisor), qualification 0x1200000, GUEST_RIP = the faulting instruction, and
# nothing delivered in the guest. Resumed at a second part, the guest reads then writes a read-only page,
# with error code 3 (P | W), qualification = the written address. CR2 still holds the host's marker at the end.
#   r8  = exit reason (0)          r9 = interruption info (0x80000b0e)    r10 = error code (0)
#   r11 = qualification (0x1200000)                 r12 = 1 if GUEST_RIP = guest_fault
#   r13 = IDT-vectoring info (0: not during event delivery)
#   r14 = second exit: reason | info << 8 (0x80000b0e00)   r15 = its error code (3)
#   rbx = its qualification (0x1300010)             rbp = CR2 after both exits (0xc2c2000)
# expect: stop=halt r8=0 r9=0x80000b0e r10=0 r11=0x1200000 r12=1 r13=0 r14=0x80000b0e00 r15=3 rbx=0x1300010 rbp=0xc2c2000 exceptionsDelivered=0 cr2=0xc2c2000
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        mov $0x1300000, %edi            // read-only alias of guest_page
        mov $guest_page, %esi
        mov $PTE_P, %edx
        call map_page
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, 1 << 14
        mov $0xc2c2000, %eax
        mov %rax, %cr2
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_INTR_INFO, %r9
        VMCS_READ VMCS_EXIT_INTR_ERROR, %r10
        VMCS_READ VMCS_EXIT_QUALIFICATION, %r11
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_fault, %ecx
        ISEQ %rcx, %rax, %r12
        VMCS_READ VMCS_IDT_VECTORING_INFO, %r13
        VMCS_WRITE VMCS_GUEST_RIP, guest_part2
        VMX_RUN 1, %rax
        VMCS_READ VMCS_EXIT_INTR_INFO, %r14
        shl $8, %r14
        call vmx_exit_reason
        or %rax, %r14
        VMCS_READ VMCS_EXIT_INTR_ERROR, %r15
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rbx
        mov %cr2, %rbp
        ret

        .globl guest_main, guest_fault, guest_part2
guest_main:
        nop
guest_fault:
        mov 0x1200000, %rax             // #PF: VM exit
        ud2
guest_part2:
        mov 0x1300010, %rax             // mapped read-only: no fault
        movq $1, 0x1300010              // #PF (P | W): VM exit
        ud2
