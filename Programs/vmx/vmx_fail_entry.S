# VM-entry checks (SDM vol. 3C chapter "VM Entries": "Checks on VMX Controls and Host-State Area" and
# "Checking and Loading Guest State"; CAPABILITIES.md). A control-field violation makes VMLAUNCH fail with
# VMfailValid(7) and a host-state violation with VMfailValid(8): the instruction after VMLAUNCH runs next.
# A guest-state violation is a VM exit instead ("VM-entry failure"): exit reason 33 with bit 31 set
# (0x80000021), host state loaded, execution continues at HOST_RIP; the exit qualification is 4 for an
# invalid VMCS link pointer and 0 for the other guest-state checks. A failed VM entry does not mark the
# VMCS launched, so VMRESUME afterwards is VMfailValid(5). Each case starts from a fresh valid VMCS
# (vmcs_setup) with one field broken.
#   r8  = pin "virtual NMIs" without "NMI exiting" (0x702)
#   r9  = HOST_CR4 without VMXE (0x802)         r10 = HOST_CS selector 0 (0x802)
#   r11 = exit reason, VMCS link pointer 0 (0x80000021)      r12 = its exit qualification (4)
#   r13 = VMRESUME after that failed entry (0x502)
#   r14 = exit reason, guest RFLAGS bit 1 clear (0x80000021) r15 = its exit qualification (0)
#   rbx = exits through vmx_exit_landing (2)    rbp = guest R12 in guest_regs (0x77: the guest never ran)
#   rsi = exit control "host address-space size" 0 on a 64-bit host (0x802)
#   rdi = pin-based bit 1 (a default-1 bit of IA32_VMX_TRUE_PINBASED_CTLS) cleared (0x702)
#   rdx = enable EPT with an EPTP whose page-walk length field is 0 (0x702)
#   rcx = CR3-target count 5 (more than the 4 supported by IA32_VMX_MISC bits 24:16) (0x702)
# expect: stop=halt r8=0x702 r9=0x802 r10=0x802 r11=0x80000021 r12=4 r13=0x502 r14=0x80000021 r15=0 rbx=2 rbp=0x77 rsi=0x802 rdi=0x702 rdx=0x702 rcx=0x702
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .globl test_main
test_main:
        movq $0x77, guest_regs + GR_R12
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_VIRTUAL_NMIS
        VMX_RUN 0, %r8
        VMCS_SETUP guest_main
        VMCS_CLEAR VMCS_HOST_CR4, CR4_VMXE
        VMX_RUN 0, %r9
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_HOST_CS_SELECTOR, 0
        VMX_RUN 0, %r10
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_LINK_POINTER, 0
        VMX_RUN 0, %rax                     // 0: landed at HOST_RIP
        call vmx_exit_reason
        mov %rax, %r11
        mov $VMCS_EXIT_QUALIFICATION, %edi
        call vmread_field
        mov %rax, %r12
        VMX_RUN 1, %r13
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_GUEST_RFLAGS, 0
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r14
        mov $VMCS_EXIT_QUALIFICATION, %edi
        call vmread_field
        mov %rax, %r15
        mov vmx_exit_count, %rbx
        mov guest_regs + GR_R12, %rbp
        VMCS_SETUP guest_main
        VMCS_CLEAR VMCS_EXIT_CONTROLS, EXIT_HOST_ADDR_SPACE_SIZE
        VMX_RUN 0, %rax
        push %rax                       // rsi
        VMCS_SETUP guest_main
        VMCS_CLEAR VMCS_PIN_CONTROLS, 2
        VMX_RUN 0, %rax
        push %rax                       // rdi
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PROC_CONTROLS, PROC_SECONDARY
        VMCS_WRITE VMCS_PROC_CONTROLS2, PROC2_ENABLE_EPT
        call ept_identity_setup
        and $~0x38, %rax                // page-walk length - 1 = 0
        mov $VMCS_EPT_POINTER, %edi
        mov %rax, %rsi
        call vmwrite_field
        VMX_RUN 0, %rax
        push %rax                       // rdx
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_CR3_TARGET_COUNT, 5
        VMX_RUN 0, %rcx
        pop %rdx
        pop %rdi
        pop %rsi
        ret

        .globl guest_main
guest_main:
        mov $0x1111, %r12
        vmcall
