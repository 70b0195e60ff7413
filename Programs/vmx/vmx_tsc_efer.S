# TSC offsetting and IA32_EFER loading/saving (SDM vol. 3C "Primary Processor-Based VM-Execution Controls"
# bit 3 and "Time-Stamp Counter Offset": RDTSC in the guest returns TSC + offset; "VM-Entry Controls" bit 15
# "load IA32_EFER" (26.3.2.1: loaded from the guest field) with the checks of 26.3.1.1 (with "load
# IA32_EFER", LMA must equal "IA-32e mode guest", and LME too when CR0.PG = 1; else VM-entry failure);
# "VM-Exit Controls" bit 20 "save IA32_EFER" and bit 21 "load IA32_EFER" (26.2.4: HOST_EFER.LMA and LME must
# equal "host address-space size", else VMfailValid(8)); "Loading Host State" 27.5.1: without "load
# IA32_EFER" the exit sets EFER.LMA and LME from "host address-space size" and leaves the other bits).
# The guest reads EFER, clears SCE with WRMSR (MSR bitmaps all zero: no exits) and VMCALLs. Host EFER is
# 0xd01 (NXE LMA LME SCE).
#   r8  = 1 if the guest's RDTSC (TSC offset 2^36) lies between host RDTSC before and after, plus 2^36
#   r9  = EFER read by the guest with entry "load IA32_EFER", GUEST_EFER 0x501 (0x501)
#   r10 = host EFER after the exit without exit "load IA32_EFER" (0x500: the guest's NXE and SCE stay)
#   r11 = GUEST_EFER saved by exit "save IA32_EFER" (0x500)
#   r12 = host EFER after an exit with "load IA32_EFER", HOST_EFER 0xd01 (0xd01)
#   r13 = exit reason with "load IA32_EFER" and GUEST_EFER 0x801 (no LMA/LME) for a 64-bit guest (0x80000021)
#   r14 = VMLAUNCH with exit "load IA32_EFER" and HOST_EFER 0x801 (0x802)
# expect: stop=halt r8=1 r9=0x501 r10=0x500 r11=0x500 r12=0xd01 r13=0x80000021 r14=0x802
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

.macro RDTSC64 dst
        rdtsc
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, \dst
.endm
.macro EFER_SETUP
        VMCS_SETUP g_efer
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        VMCS_SET VMCS_ENTRY_CONTROLS, ENTRY_LOAD_EFER
        VMCS_WRITE VMCS_GUEST_EFER, 0x501
.endm
.macro READ_EFER dst
        mov $MSR_EFER, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, \dst
.endm
.macro RESTORE_EFER
        mov $MSR_EFER, %ecx
        mov $0xd01, %eax
        xor %edx, %edx
        wrmsr
.endm

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP g_tsc
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_TSC_OFFSET
        VMCS_WRITE VMCS_TSC_OFFSET, 1 << 36
        RDTSC64 %rbx
        VMX_RUN 0, %rax
        RDTSC64 %rbp
        movabs $1 << 36, %rax
        add %rax, %rbx
        add %rax, %rbp
        mov guest_regs + GR_RAX, %rax
        xor %r8d, %r8d
        cmp %rbx, %rax
        jbe 1f
        cmp %rbp, %rax
        jae 1f
        mov $1, %r8d
1:      EFER_SETUP
        VMCS_SET VMCS_EXIT_CONTROLS, EXIT_SAVE_EFER
        VMX_RUN 0, %rax
        READ_EFER %r10                  // before anything that could need NXE
        RESTORE_EFER
        mov guest_regs + GR_RAX, %r9
        VMCS_READ VMCS_GUEST_EFER, %r11
        EFER_SETUP
        VMCS_SET VMCS_EXIT_CONTROLS, EXIT_LOAD_EFER
        VMCS_WRITE VMCS_HOST_EFER, 0xd01
        VMX_RUN 0, %rax
        READ_EFER %r12
        RESTORE_EFER
        EFER_SETUP
        VMCS_WRITE VMCS_GUEST_EFER, 0x801
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r13
        EFER_SETUP
        VMCS_SET VMCS_EXIT_CONTROLS, EXIT_LOAD_EFER
        VMCS_WRITE VMCS_HOST_EFER, 0x801
        VMX_RUN 0, %r14
        ret

        .globl g_tsc, g_efer
g_tsc:  rdtsc
        shl $32, %rdx
        or %rdx, %rax
        vmcall
g_efer: mov $MSR_EFER, %ecx
        rdmsr
        mov %rax, %rbx
        btr $0, %eax                    // SCE
        wrmsr
        mov %rbx, %rax
        vmcall
