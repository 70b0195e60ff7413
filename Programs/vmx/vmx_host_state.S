# State after a VM exit (SDM vol. 3C "Saving Guest State", "Loading Host State": RIP, RSP, CR0/CR3/CR4,
# selectors, FS/GS/TR/GDTR/IDTR bases come from the host-state area; RFLAGS = 0x2 (every flag clear but
# bit 1); GDTR and IDTR limits are set to 0xFFFF; the GPRs other than RSP are not changed, so they hold the
# guest's values; the guest's RFLAGS, CR3, FS base and GDTR limit are saved in the guest-state area).
# The guest sets CF PF AF ZF and DF, loads a different CR3 (a copy of the PML4), writes FS_BASE (MSR
# bitmaps all zero: no exit) and fills RBX, RBP, RSI, RDI, R8-R15 with markers, then VMCALLs.
#   r8  = RFLAGS at the exit landing (0x2)     r9 = GUEST_RFLAGS (0x457: CF PF AF ZF DF and bit 1)
#   r10 = 1 if RSP at the landing = HOST_RSP
#   r11 = SGDT limit | SIDT limit << 16 after the exit (0xffffffff)
#   r12 = 1 if the SGDT/SIDT bases are gdt and idt
#   r13 = 1 if CR3 after the exit is pml4 (HOST_CR3) and GUEST_CR3 is pml4_copy
#   r14 = FS_BASE after the exit (0 = HOST_FS_BASE)   r15 = GUEST_FS_BASE (0x5000)
#   rbx = guest markers found in guest_regs (12)     rbp = GUEST_GDTR_LIMIT (0x37, the guest's own)
#   rsi = TR selector after the exit (0x28)
# expect: stop=halt r8=0x2 r9=0x457 r10=1 r11=0xffffffff r12=1 r13=1 r14=0 r15=0x5000 rbx=12 rbp=0x37 rsi=0x28
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .bss
        .balign 4096
pml4_copy:      .skip 4096
        .data
        .balign 8
desc:           .quad 0, 0
markers:        .quad GR_RBX, 0x1111, GR_RBP, 0x2222, GR_RSI, 0x3333, GR_RDI, 0x4444
                .quad GR_R8, 0x8888, GR_R9, 0x9999, GR_R10, 0xaaaa, GR_R11, 0xbbbb
                .quad GR_R12, 0xcccc, GR_R13, 0xdddd, GR_R14, 0xeeee, GR_R15, 0xffff
markers_end:
        .text

        .globl test_main
test_main:
        mov $pml4, %esi
        mov $pml4_copy, %edi
        mov $512, %ecx
        rep movsq
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        VMX_RUN 0, %rax
        sgdt desc
        movzwl desc, %r11d
        mov desc + 2, %rax
        mov $gdt, %ecx
        ISEQ %rcx, %rax, %r12
        sidt desc
        movzwl desc, %eax
        shl $16, %eax
        or %rax, %r11
        mov desc + 2, %rax
        cmp $idt, %rax
        je 1f
        xor %r12d, %r12d
1:      str %esi
        movzwl %si, %esi
        push %rsi
        mov vmx_exit_rflags, %r8
        VMCS_READ VMCS_GUEST_RFLAGS, %r9
        mov vmx_exit_rsp, %rax
        ISEQ vmx_host_rsp_written, %rax, %r10
        xor %r13d, %r13d
        mov %cr3, %rax
        cmp $pml4, %rax
        jne 2f
        VMCS_READ VMCS_GUEST_CR3, %rax
        cmp $pml4_copy, %rax
        jne 2f
        mov $1, %r13d
2:      mov $MSR_FS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r14
        VMCS_READ VMCS_GUEST_FS_BASE, %r15
        xor %ebx, %ebx
        mov $markers, %esi
3:      mov (%rsi), %rcx
        mov guest_regs(%rcx), %rax
        cmp 8(%rsi), %rax
        jne 4f
        inc %rbx
4:      add $16, %rsi
        cmp $markers_end, %rsi
        jb 3b
        VMCS_READ VMCS_GUEST_GDTR_LIMIT, %rbp
        pop %rsi
        ret

        .globl guest_main
guest_main:
        mov $pml4_copy, %eax
        mov %rax, %cr3
        mov $MSR_FS_BASE, %ecx
        mov $0x5000, %eax
        xor %edx, %edx
        wrmsr
        mov $0x1111, %ebx
        mov $0x2222, %ebp
        mov $0x3333, %esi
        mov $0x4444, %edi
        mov $0x8888, %r8d
        mov $0x9999, %r9d
        mov $0xaaaa, %r10d
        mov $0xbbbb, %r11d
        mov $0xcccc, %r12d
        mov $0xdddd, %r13d
        mov $0xeeee, %r14d
        mov $0xffff, %r15d
        mov $-1, %rax
        add $1, %rax                    // CF PF AF ZF
        std
        vmcall
