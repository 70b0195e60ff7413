# Launch state of a VMCS (SDM vol. 3C "VMLAUNCH/VMRESUME", "VMCLEAR", "VMPTRLD"; VM-instruction errors 4
# and 5). A successful VMLAUNCH makes the current VMCS "launched". VMLAUNCH of a launched VMCS fails with
# VMfailValid(4) "VMLAUNCH with non-clear VMCS"; VMRESUME of a launched VMCS enters the guest. VMCLEAR makes
# the launch state "clear" again (and the VMCS no longer current); after VMPTRLD of the same region, VMRESUME
# fails with VMfailValid(5) "VMRESUME with non-launched VMCS" and VMLAUNCH succeeds. VMCLEAR keeps the field
# data: the guest continues from the GUEST_RIP written before the VMCLEAR. Each exit is a VMCALL; the host
# moves GUEST_RIP past it (GUEST_RIP += VM-exit instruction length), as a VMM does.
# The guest increments R12 before every VMCALL, so R12 counts successful entries.
# Results are VMX statuses in the form 0 / 1 (VMfailInvalid) / 2 | error << 8 (VMfailValid(error)).
#   r8  = first VMLAUNCH (0)              r9  = second VMLAUNCH (0x402: VMfailValid(4))
#   r10 = VMRESUME (0)                    r11 = VMCLEAR, VMPTRLD statuses (0), then VMRESUME (0x502)
#   r12 = VMLAUNCH after VMCLEAR (0)      r13 = guest R12: entries that reached the guest (3)
#   r14 = exit reasons of the 3 exits, one byte each (0x121212)
#   r15 = 1 if the last exit's GUEST_RIP is guest_vmcall
#   rbx = VMPTRST after VMCLEAR of the current VMCS (0xffffffffffffffff: no current VMCS)
# expect: stop=halt r8=0 r9=0x402 r10=0 r11=0x502 r12=0 r13=3 r14=0x121212 r15=1 rbx=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

/* ADD_REASON: r14 = r14 << 8 | exit reason */
.macro ADD_REASON
        call vmx_exit_reason
        shl $8, %r14
        or %rax, %r14
.endm

        .globl test_main
test_main:
        call vmx_on
        mov $vmcs_region, %edi
        mov $guest_main, %esi
        xor %edx, %edx
        call vmcs_setup
        xor %r14d, %r14d
        VMX_RUN 0, %r8                      // VMLAUNCH: enters, VMCALL exit
        ADD_REASON
        VMX_RUN 0, %r9                      // VMLAUNCH again: VMfailValid(4)
        call vmx_skip_instruction
        VMX_RUN 1, %r10                     // VMRESUME: enters, VMCALL exit
        ADD_REASON
        call vmx_skip_instruction
        movq $vmcs_region, vmx_setup_ptr
        vmclear vmx_setup_ptr
        call vmx_flags_result
        mov %rax, %r11
        sub $8, %rsp
        vmptrst (%rsp)                  // no current VMCS after VMCLEAR of the current one
        pop %rbx
        vmptrld vmx_setup_ptr
        call vmx_flags_result
        or %rax, %r11
        VMX_RUN 1, %rax                     // VMRESUME of a clear VMCS: VMfailValid(5)
        or %rax, %r11
        VMX_RUN 0, %r12                     // VMLAUNCH: enters at the GUEST_RIP written before VMCLEAR
        ADD_REASON
        mov guest_regs + GR_R12, %r13
        mov $VMCS_GUEST_RIP, %edi
        call vmread_field
        mov $guest_vmcall, %ecx
        ISEQ %rcx, %rax, %r15
        ret

        .globl guest_main, guest_vmcall
guest_main:
        inc %r12
guest_vmcall:
        vmcall
        jmp guest_main
