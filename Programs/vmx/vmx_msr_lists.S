# VM-entry MSR-load, VM-exit MSR-store and VM-exit MSR-load areas (SDM vol. 3C "VM-Entry Controls for MSRs",
# "VM-Exit Controls for MSRs": 16-byte entries {bits 31:0 MSR index, 63:32 reserved 0, 127:64 data}, area
# addresses 16-byte aligned (else VMfailValid(7), "Checks on VM-Exit/VM-Entry Control Fields"); "Loading
# MSRs" 26.4: entries are loaded in order, an entry for IA32_FS_BASE / IA32_GS_BASE or with reserved bits set
# makes the VM entry fail with exit reason 34 | 0x80000000 and exit qualification = the 1-based index of the
# failing entry; "Saving MSRs" 27.4 and "Loading MSRs" 27.6 for VM exits).
# The entry list loads IA32_KERNEL_GS_BASE = 0x1234000; the guest reads it (MSR bitmaps all zero: no
# exits), writes 0x5678000 and VMCALLs; the exit stores it in the store area and the exit load list puts
# the host's 0 back.
#   r8  = exit reason (18)     r9 = KERNEL_GS_BASE read by the guest (0x1234000)
#   r10 = data of the exit MSR-store entry (0x5678000)     r11 = host KERNEL_GS_BASE after the exit (0)
#   r12 = entry list {KERNEL_GS_BASE, FS_BASE}: exit reason (0x80000022)   r13 = its qualification (2)
#   r14 = entry list with bit 32 set in entry 1: exit reason (0x80000022)  r15 = its qualification (1)
#   rbx = VMLAUNCH with the entry MSR-load address misaligned by 8 (0x702)
# expect: stop=halt r8=18 r9=0x1234000 r10=0x5678000 r11=0 r12=0x80000022 r13=2 r14=0x80000022 r15=1 rbx=0x702
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 16
entry_list:     .quad MSR_KERNEL_GS_BASE, 0x1234000
                .quad MSR_FS_BASE, 0
store_list:     .quad MSR_KERNEL_GS_BASE, 0
load_list:      .quad MSR_KERNEL_GS_BASE, 0
bad_list:       .quad MSR_KERNEL_GS_BASE | (1 << 32), 0x1234000
        .text

.macro SETUP
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
.endm

        .globl test_main
test_main:
        call vmx_on
        SETUP
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_ADDR, entry_list
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_COUNT, 1
        VMCS_WRITE VMCS_EXIT_MSR_STORE_ADDR, store_list
        VMCS_WRITE VMCS_EXIT_MSR_STORE_COUNT, 1
        VMCS_WRITE VMCS_EXIT_MSR_LOAD_ADDR, load_list
        VMCS_WRITE VMCS_EXIT_MSR_LOAD_COUNT, 1
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        mov guest_regs + GR_RAX, %r9
        mov store_list + 8, %r10
        mov $MSR_KERNEL_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %r11
        SETUP
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_ADDR, entry_list
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_COUNT, 2
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r12
        VMCS_READ VMCS_EXIT_QUALIFICATION, %r13
        SETUP
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_ADDR, bad_list
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_COUNT, 1
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r14
        VMCS_READ VMCS_EXIT_QUALIFICATION, %r15
        SETUP
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_ADDR, entry_list + 8
        VMCS_WRITE VMCS_ENTRY_MSR_LOAD_COUNT, 1
        VMX_RUN 0, %rbx
        xor %eax, %eax                  // host KERNEL_GS_BASE back to 0 whatever happened
        xor %edx, %edx
        mov $MSR_KERNEL_GS_BASE, %ecx
        wrmsr
        ret

        .globl guest_main
guest_main:
        mov $MSR_KERNEL_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, %rbx
        mov $0x5678000, %eax
        xor %edx, %edx
        wrmsr
        mov %rbx, %rax
        vmcall
