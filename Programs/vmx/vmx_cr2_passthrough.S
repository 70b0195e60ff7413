# CR2 is neither loaded by VM entry nor saved or loaded by VM exit (FACTS.md; SDM vol. 3C guest-state and
# host-state area lists have no CR2; "Loading Guest State", "Saving Guest State", "Loading Host State"),
# and MOV to/from CR2 never causes a VM exit (it is not in "Instructions That Cause VM Exits"). So host and
# guest share the one CR2 register: a VMM such as KVM must load the guest's CR2 itself before VM entry and
# read it back after the exit. The host writes 0xc2c2000; the guest reads it, writes 0x6e57000 and VMCALLs;
# after the exit the host reads the guest's value.
#   r8  = exit reason (18: no exit for the CR2 accesses)   r9 = CR2 the guest read (0xc2c2000)
#   r10 = CR2 the host reads after the exit (0x6e57000)
# expect: stop=halt r8=18 r9=0xc2c2000 r10=0x6e57000 cr2=0x6e57000 cr2Writes=2 cr2Reads=2
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        mov $0xc2c2000, %eax
        mov %rax, %cr2
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        mov guest_regs + GR_R9, %r9
        mov %cr2, %r10
        ret

        .globl guest_main
guest_main:
        mov %cr2, %r9
        mov $0x6e57000, %eax
        mov %rax, %cr2
        vmcall
