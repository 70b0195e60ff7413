# Event injection (SDM vol. 3C "Event Injection": the event is delivered through the guest IDT as if it
# occurred after VM entry; for software interrupts (type 4), software exceptions (type 6) and privileged
# software exceptions (type 5) the RIP pushed is GUEST_RIP + the VM-entry instruction length, for hardware
# exceptions and external interrupts it is GUEST_RIP; IA32_VMX_MISC bit 30 = 1 allows length 0). The
# runtime's generic stubs log vector and frame RIP in fault_log, and vector_handlers[v] = rt_resume
# returns with IRETQ. Each case is one VM entry from a fresh VMCS into guest code "inj: UD2; VMCALL", with
# an exception-table entry that resumes a UD2 #UD at the VMCALL:
#   0 type 4 (software interrupt) vector 0x50, length 2 -> frame RIP = inj + 2 (the UD2 is skipped)
#   1 type 6 (software exception) vector 3 (#BP), length 2 -> frame RIP = inj + 2
#   2 type 0 (external interrupt) vector 0x40, guest RFLAGS.IF = 1 -> frame RIP = inj (then the UD2 runs)
#   3 type 4 vector 0x50, length 0 -> frame RIP = inj
#   4 type 3 (hardware exception) vector 6 (#UD) -> frame RIP = inj
# Per case the first fault-log entry is checked: r8..r12 = (vector << 32) | (frame RIP - inj).
#   r8  = 0x5000000002     r9 = 0x300000002    r10 = 0x4000000000    r11 = 0x5000000000    r12 = 0x600000000
#   r13 = exits with reason 18 (5)
#   r14 = injecting an external interrupt with guest RFLAGS.IF = 0: VM-entry failure (0x80000021), SDM
#         "Checks on Guest RIP, RFLAGS, and SSP": IF must be 1 when injecting an external interrupt
# expect: stop=halt r8=0x5000000002 r9=0x300000002 r10=0x4000000000 r11=0x5000000000 r12=0x600000000 r13=5 r14=0x80000021
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

/* INJECT info, length, dst[, rflags]: inject, run, dst = first new fault-log entry's vector << 32 | (RIP - inj) */
.macro INJECT info, length, dst, rflags=2
        mov fault_log + FL_COUNT, %rbx
        VMCS_SETUP inj
        VMCS_WRITE VMCS_GUEST_RFLAGS, \rflags
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, \info
        VMCS_WRITE VMCS_ENTRY_INSTRUCTION_LEN, \length
        VMX_RUN 0, %rax
        call vmx_exit_reason
        cmp $EXIT_REASON_VMCALL, %eax
        jne 1008f
        inc %r13
1008:   shl $6, %rbx                    // FLE_SIZE
        mov fault_log + FL_ENTRIES + FLE_VECTOR(%rbx), \dst
        shl $32, \dst
        mov fault_log + FL_ENTRIES + FLE_RIP(%rbx), %rax
        sub $inj, %rax
        or %rax, \dst
.endm

        .globl test_main
test_main:
        movq $rt_resume, vector_handlers + 0x50 * 8
        movq $rt_resume, vector_handlers + 0x40 * 8
        movq $rt_resume, vector_handlers + 3 * 8
        xor %r13d, %r13d
        call vmx_on
        INJECT INTR_INFO_VALID | INTR_TYPE_SW_INTR | 0x50, 2, %r8
        INJECT INTR_INFO_VALID | INTR_TYPE_SW_EXCEPTION | 3, 2, %r9
        INJECT INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x40, 0, %r10, 0x202
        INJECT INTR_INFO_VALID | INTR_TYPE_SW_INTR | 0x50, 0, %r11
        INJECT INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 6, 0, %r12
        VMCS_SETUP inj
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x40
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r14
        ret

        .globl inj, inj_vmcall
inj:    ud2
inj_vmcall:
        vmcall
        EXTABLE(inj, inj_vmcall)
