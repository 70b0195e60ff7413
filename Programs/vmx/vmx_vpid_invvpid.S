# Guest translations and their invalidation (SDM vol. 3C "VPID and TLB": with "enable VPID" the guest's
# linear translations are tagged with its VPID and survive VM entries and exits; INVLPG in VMX root
# operation invalidates only VPID 0000H; "INVVPID" type 0 invalidates the translations of one linear
# address for one VPID; without "enable VPID" every VM entry and exit invalidates the VPID-0000H
# translations). A stale translation may survive where nothing invalidated it, so the program checks only
# what must hold: after INVVPID the guest sees the new mapping.
# Linear 0x1500000 maps physical page P1 (quadword 0x1111) and then P2 (0x2222).
#   A: VPID 1. The guest reads 0x1500000 (caches P1) and VMCALLs; the host remaps it to P2 (map_page: host
#      INVLPG, VPID 0 only) and executes INVVPID type 0 {VPID 1, 0x1500000}; the guest reads it again.
#   B: no VPID. Same, without INVVPID: the VM entry itself must drop the old translation.
#   r8  = A: first read (0x1111)    r9 = A: INVVPID status (0)    r10 = A: second read (0x2222)
#   r11 = B: first read (0x1111)    r12 = B: second read (0x2222)
#   r13 = exits with reason 18 (4)
# expect: stop=halt r8=0x1111 r9=0 r10=0x2222 r11=0x1111 r12=0x2222 r13=4
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

#define LIN 0x1500000
#define P1  0x300010000
#define P2  0x300011000
#define A1  0x1501000           /* linear aliases used to fill P1 and P2 */
#define A2  0x1502000

        .data
        .balign 16
desc:   .quad 1, LIN
        .text

.macro MAP lin, phys
        push %r8
        push %r9
        mov $\lin, %edi
        movabs $\phys, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        pop %r9
        pop %r8
.endm
.macro RUN_COUNT resume
        VMX_RUN \resume, %rax
        call vmx_exit_reason
        cmp $EXIT_REASON_VMCALL, %eax
        jne 1009f
        inc %r13
1009:
.endm

        .globl test_main
test_main:
        xor %r13d, %r13d
        MAP A1, P1
        MAP A2, P2
        movq $0x1111, A1
        movq $0x2222, A2
        call vmx_on
        // A: with VPID 1
        MAP LIN, P1
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PROC_CONTROLS, PROC_SECONDARY
        VMCS_WRITE VMCS_PROC_CONTROLS2, PROC2_ENABLE_VPID
        VMCS_WRITE VMCS_VPID, 1
        RUN_COUNT 0
        mov guest_regs + GR_RAX, %r8
        MAP LIN, P2
        xor %eax, %eax                  // type 0: individual address
        invvpid desc, %rax
        call vmx_flags_result
        mov %rax, %r9
        call vmx_skip_instruction
        RUN_COUNT 1
        mov guest_regs + GR_RAX, %r10
        // B: without VPID
        MAP LIN, P1
        VMCS_SETUP guest_main
        RUN_COUNT 0
        mov guest_regs + GR_RAX, %r11
        MAP LIN, P2
        call vmx_skip_instruction
        RUN_COUNT 1
        mov guest_regs + GR_RAX, %r12
        ret

        .globl guest_main
guest_main:
        mov LIN, %rax
        vmcall
        mov LIN, %rax
        vmcall
