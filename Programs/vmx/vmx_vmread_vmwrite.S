# VMREAD/VMWRITE semantics (SDM vol. 3C "VMREAD—Read Field from Virtual-Machine Control Structure",
# "VMWRITE—Write Field to Virtual-Machine Control Structure", "VMREAD, VMWRITE, and Encodings of VMCS Fields";
# CAPABILITIES.md). In 64-bit mode both operands are 64 bits. VMWRITE keeps only the field's width (16-bit
# selector: low 16 bits; 32-bit limit: low 32 bits); VMREAD zero-extends, also into a memory destination
# (8 bytes written). A 64-bit field's "high" encoding (bit 0 = 1) reads bits 63:32 into bits 31:0 and writes
# bits 63:32 from source bits 31:0. VMWRITE reads a memory source before it checks the field, so a faulting
# source gives #PF even for an unsupported field; VMREAD checks the field before it stores, so an unsupported
# field with an unmapped destination gives VMfailValid(12) and no #PF. Field values belong to their VMCS: a
# second VMCS has its own, and VMCLEAR/VMPTRLD keep them. VMCLEAR of a VMCS that is not current does not
# change the current VMCS.
#   r8  = GUEST_ES_SELECTOR after VMWRITE 0x12345 (0x2345)
#   r9  = GUEST_ES_LIMIT after VMWRITE 0x123456789 (0x23456789)
#   r10 = VMREAD of TSC_OFFSET high (0x2011) after a full write of 0x1122334455667788 (0x11223344)
#   r11 = TSC_OFFSET after VMWRITE high 0xffffffff_aabbccdd (0xaabbccdd55667788)
#   r12 = quadword stored by VMREAD of GUEST_ES_SELECTOR to memory prefilled with ones (0x2345)
#   r13 = GUEST_CS_SELECTOR after VMWRITE from a memory source holding 0x4444 (0x4444)
#   r14 = VMREAD 0x7ffe to unmapped 0x1200000: status (0xc02) | faults logged << 16 (0) = 0xc02
#   r15 = VMWRITE 0x7ffe from unmapped 0x1200000: vector logged (14) | error code << 8 (0) | CR2 >> 12 << 16
#         (0x1200) = 0x1200000e
#   rbx = GUEST_RIP in vmcs_region after writing 0x1111 there and 0x2222 in vmcs_region2, then VMCLEAR and
#         VMPTRLD of vmcs_region (0x1111)
#   rbp = 1 if after VMCLEAR of vmcs_region2 (not current) VMPTRST still gives vmcs_region
# expect: stop=halt r8=0x2345 r9=0x23456789 r10=0x11223344 r11=0xaabbccdd55667788 r12=0x2345 r13=0x4444 r14=0xc02 r15=0x1200000e rbx=0x1111 rbp=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 8
ptr:    .quad 0
mem:    .quad 0
        .text

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_GUEST_ES_SELECTOR, 0x12345
        VMCS_READ VMCS_GUEST_ES_SELECTOR, %r8
        VMCS_WRITE VMCS_GUEST_ES_LIMIT, 0x123456789
        VMCS_READ VMCS_GUEST_ES_LIMIT, %r9
        VMCS_WRITE VMCS_TSC_OFFSET, 0x1122334455667788
        VMCS_READ VMCS_TSC_OFFSET + 1, %r10
        VMCS_WRITE VMCS_TSC_OFFSET + 1, 0xffffffffaabbccdd
        VMCS_READ VMCS_TSC_OFFSET, %r11
        movq $-1, mem
        mov $VMCS_GUEST_ES_SELECTOR, %eax
        vmread %rax, mem
        mov mem, %r12
        movq $0x4444, mem
        mov $VMCS_GUEST_CS_SELECTOR, %eax
        vmwrite mem, %rax
        VMCS_READ VMCS_GUEST_CS_SELECTOR, %r13
        mov fault_log + FL_COUNT, %rbx
        mov $0x7ffe, %eax
        vmread %rax, 0x1200000
        call vmx_flags_result
        mov %rax, %r14
        mov fault_log + FL_COUNT, %rax
        sub %rbx, %rax
        shl $16, %rax
        or %rax, %r14
        movq $0, fault_log + FL_LAST_VECTOR
        mov $0x7ffe, %eax
1:      vmwrite 0x1200000, %rax
2:      mov fault_log + FL_LAST_VECTOR, %r15
        mov fault_log + FL_LAST_ERROR, %rax
        shl $8, %rax
        or %rax, %r15
        mov fault_log + FL_LAST_CR2, %rax
        shr $12, %rax
        shl $16, %rax
        or %rax, %r15
        // two VMCSs
        VMCS_WRITE VMCS_GUEST_RIP, 0x1111
        mov $vmcs_region2, %edi
        mov $guest_main, %esi
        xor %edx, %edx
        call vmcs_setup                 // vmcs_region2 current
        VMCS_WRITE VMCS_GUEST_RIP, 0x2222
        movq $vmcs_region, ptr
        vmclear ptr
        vmptrld ptr
        VMCS_READ VMCS_GUEST_RIP, %rbx
        movq $vmcs_region2, ptr
        vmclear ptr                     // not current
        sub $8, %rsp
        vmptrst (%rsp)
        pop %rax
        mov $vmcs_region, %ecx
        ISEQ %rcx, %rax, %rbp
        ret
        EXTABLE(1b, 2b)

        .globl guest_main
guest_main:
        vmcall
