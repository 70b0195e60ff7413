# EPT violation on a guest paging-structure access (SDM vol. 3C "EPT Violations": guest-physical accesses
# made by the guest's own page walk, including setting accessed/dirty flags, go through EPT; "Exit
# Qualification for EPT Violations": bit 7 = 1 (the guest-linear address field is valid) and bit 8 = 0
# when the access was to a paging-structure entry rather than to the translated address; bits 3-5 give the
# rights of the EPT entry; the guest-physical address field holds the address of the paging-structure
# entry; SDM vol. 3A 4.8: the processor sets A in the PTE on the first access through it, a write).
# The host never touches ad_page, so its PTE (in idmap_pt) has A = 0. It removes W from the EPT entry of
# the page-table page that holds that PTE and enters a guest that reads ad_page + 0x88: the walk must write
# the PTE's A bit, which EPT forbids.
#   r8  = exit reason (48)
#   r9  = qualification without bit 0 (0xaa: write | readable | executable | linear valid, bit 8 clear)
#   r10 = 1 if GUEST_PHYSICAL_ADDRESS is the PTE's address   r11 = GUEST_LINEAR_ADDRESS (ad_page + 0x88)
#         minus ad_page (0x88)
#   r12 = the PTE's A bit afterwards (0: not written)       r13 = 1 if GUEST_RIP is guest_read
# expect: stop=halt r8=48 r9=0xaa r10=1 r11=0x88 r12=0 r13=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .bss
        .balign 4096
ad_page:        .skip 4096
        .text

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        call vmx_enable_ept
        mov $ad_page, %edi
        call pte_lookup                 // rax = linear = physical address of the PTE
        mov %rax, %rbx
        mov %rax, %rdi
        and $~0xfff, %rdi
        call ept_pte_lookup
        andq $~EPT_W, (%rax)
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_QUALIFICATION, %r9
        and $~1, %r9
        VMCS_READ VMCS_GUEST_PHYSICAL_ADDRESS, %rax
        ISEQ %rbx, %rax, %r10
        VMCS_READ VMCS_GUEST_LINEAR_ADDRESS, %r11
        sub $ad_page, %r11
        mov (%rbx), %r12
        and $PTE_A, %r12
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_read, %ecx
        ISEQ %rcx, %rax, %r13
        ret

        .globl guest_main, guest_read
guest_main:
guest_read:
        mov ad_page + 0x88, %rax
        vmcall
