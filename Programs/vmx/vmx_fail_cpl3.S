# VMX instructions at CPL 3 in VMX root operation raise #GP(0) (SDM vol. 3C "VMX Instruction Reference":
# after the #UD and non-root tests, every Operation section has "ELSIF CPL > 0 THEN #GP(0)"; VMXON in VMX
# root operation likewise; INVEPT/INVVPID too). The CPL check comes before any memory operand is read. After
# VMXON and a VMPTRLD (vmcs_setup), user code runs VMREAD, VMWRITE, VMPTRST, VMPTRLD, VMCLEAR, VMLAUNCH,
# VMRESUME, VMXOFF, VMXON, VMCALL, INVEPT and INVVPID; each faults and resumes at the next one through the
# exception table. None of them has an effect: VMX operation and the current VMCS survive.
#   r8  = faults logged (12)
#   r9  = faults that were #GP with error code 0 from CS 0x23 (12)
#   r10 = 1 if VMPTRST (at CPL 0, afterwards) still gives vmcs_region
#   r11 = 1 if VMREAD GUEST_RIP at CPL 0 afterwards gives guest_main, r12 = its status (0)
#   r13 = user code reached its SYS_EXIT with RDI = 0x600d
# expect: stop=halt r8=12 r9=12 r10=1 r11=1 r12=0 r13=0x600d
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

/* U insn...: one user instruction expected to raise #GP, resumed at the next line */
.macro U insn:vararg
1005:   \insn
1006:
        EXTABLE(1005b, 1006b)
.endm

USER_CODE_BEGIN
ustart:
        mov %rsp, %rbx                  // a user-accessible memory operand
        sub $64, %rbx
        mov $VMCS_GUEST_RIP, %edx
        U vmread %rdx, %rax
        U vmwrite %rax, %rdx
        U vmptrst (%rbx)
        U vmptrld (%rbx)
        U vmclear (%rbx)
        U vmlaunch
        U vmresume
        U vmxoff
        U vmxon (%rbx)
        U vmcall
        mov $2, %eax
        U invept (%rbx), %rax
        mov $2, %eax
        U invvpid (%rbx), %rax
        mov $SYS_EXIT, %eax
        mov $0x600d, %edi
        int $0x80
USER_CODE_END
USER_STACK
        .text

        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        MAP_USER_CODE_AND_STACK
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        mov %rax, %r13
        mov fault_log + FL_COUNT, %r8
        xor %r9d, %r9d
        xor %ecx, %ecx
1:      cmp %r8, %rcx
        jae 3f
        mov %rcx, %rax
        shl $6, %rax                    // FLE_SIZE
        cmpq $13, fault_log + FL_ENTRIES + FLE_VECTOR(%rax)
        jne 2f
        cmpq $0, fault_log + FL_ENTRIES + FLE_ERROR(%rax)
        jne 2f
        cmpq $USER_CS, fault_log + FL_ENTRIES + FLE_CS(%rax)
        jne 2f
        inc %r9
2:      inc %rcx
        jmp 1b
3:      sub $8, %rsp
        vmptrst (%rsp)
        pop %rax
        mov $vmcs_region, %ecx
        ISEQ %rcx, %rax, %r10
        mov $VMCS_GUEST_RIP, %edi
        call vmread_field
        mov $guest_main, %ecx
        ISEQ %rcx, %rax, %r11
        mov vmx_last_status, %r12
        ret

        .globl guest_main
guest_main:
        vmcall
