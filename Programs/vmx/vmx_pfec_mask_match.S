# Page-fault filtering by PFEC_MASK / PFEC_MATCH (SDM vol. 3C "Exception Bitmap" and "Page-Fault Error-Code
# Mask and Match"; FACTS.md): a guest #PF with (error code & PFEC_MASK) == PFEC_MATCH causes a VM exit iff
# exception-bitmap bit 14 is 1; a #PF that does not match causes a VM exit iff bit 14 is 0. A #PF that does
# not exit is delivered through the guest IDT (the runtime's handler, which writes the fault log and resumes
# through the exception table); one that exits leaves CR2 alone.
# The guest reads 0x1200000 (error code 0), then writes 0x1200008 (error code 2 = W), then VMCALLs. The host
# resumes it after each #PF exit at the instruction after the faulting one. Five configurations
# (bit 14, mask, match), each from a fresh VMCS; the exits of each are a 2-bit mask (1 = read exited,
# 2 = write exited):
#   A (1, W, W) -> 2    B (0, W, 0) -> 2    C (0, W, W) -> 1    D (1, 0, 0) -> 3    E (1, 0, 0xffff) -> 0
#   r8  = A | B << 4 | C << 8 | D << 12 | E << 16 (0x3122)
#   r9  = #PF delivered in the guest, all configurations (1 + 1 + 1 + 0 + 2 = 5)
#   r10 = #PF exits (5)       r11 = #PF exits with info 0x80000B0E and the expected error code and
#                                   qualification (5)
#   r12 = CR2 at A's write exit (0x1200000: the guest's read fault wrote it, the exiting write did not)
#   r13 = CR2 at C's read exit (0xc0de000, the marker the host wrote before C: C's guest-handled write comes
#         after the read)
#   r14 = configurations that ended with the guest's VMCALL (5)
# expect: stop=halt r8=0x3122 r9=5 r10=5 r11=5 r12=0x1200000 r13=0xc0de000 r14=5
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

        .data
        .balign 8
pf_exits:       .quad 0
good_exits:     .quad 0
vmcalls:        .quad 0
last_cr2:       .quad 0
        .text

/* run_config(bitmap %edi, mask %esi, match %edx) -> rax = mask of exits (1 read, 2 write; 0x40 unexpected
 * RIP, 0x80 unexpected exit reason). Keeps r8-r15, rbx, rbp. */
run_config:
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        mov %edi, %r12d
        mov %esi, %r13d
        mov %edx, %r14d
        VMCS_SETUP guest_main
        mov $VMCS_EXCEPTION_BITMAP, %edi
        mov %r12, %rsi
        call vmwrite_field
        mov $VMCS_PF_ERROR_MASK, %edi
        mov %r13, %rsi
        call vmwrite_field
        mov $VMCS_PF_ERROR_MATCH, %edi
        mov %r14, %rsi
        call vmwrite_field
        xor %ebx, %ebx
        xor %edi, %edi                  // VMLAUNCH
1:      call vmx_run
        test %eax, %eax
        jnz 8f
        call vmx_exit_reason
        cmp $EXIT_REASON_VMCALL, %eax
        je 7f
        test %eax, %eax
        jnz 8f
        incq pf_exits
        mov %cr2, %rax
        mov %rax, last_cr2
        VMCS_READ VMCS_GUEST_RIP, %rax
        cmp $guest_read, %eax
        jne 2f
        mov $1, %r12d                   // bit for this exit
        mov $0x1200000, %r13d           // expected qualification
        xor %r14d, %r14d                // expected error code
        mov $guest_read_done, %r15d
        jmp 3f
2:      cmp $guest_write, %eax
        jne 9f
        mov $2, %r12d
        mov $0x1200008, %r13d
        mov $PF_W, %r14d
        mov $guest_write_done, %r15d
3:      or %r12, %rbx
        VMCS_READ VMCS_EXIT_INTR_INFO, %rax
        cmp $0x80000b0e, %eax
        jne 4f
        VMCS_READ VMCS_EXIT_INTR_ERROR, %rax
        cmp %r14, %rax
        jne 4f
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rax
        cmp %r13, %rax
        jne 4f
        incq good_exits
4:      mov $VMCS_GUEST_RIP, %edi
        mov %r15, %rsi
        call vmwrite_field
        mov $1, %edi                    // VMRESUME
        jmp 1b
7:      incq vmcalls
        jmp 10f
8:      or $0x80, %ebx
        jmp 10f
9:      or $0x40, %ebx
10:     mov %rbx, %rax
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbx
        ret

        .globl test_main
test_main:
        call vmx_on
        xor %r8d, %r8d
        mov $1 << 14, %edi              // A
        mov $PF_W, %esi
        mov $PF_W, %edx
        call run_config
        or %rax, %r8
        mov last_cr2, %r12
        xor %edi, %edi                  // B
        mov $PF_W, %esi
        xor %edx, %edx
        call run_config
        shl $4, %rax
        or %rax, %r8
        mov $0xc0de000, %eax            // marker: C's read exits before any guest #PF of C
        mov %rax, %cr2
        xor %edi, %edi                  // C
        mov $PF_W, %esi
        mov $PF_W, %edx
        call run_config
        shl $8, %rax
        or %rax, %r8
        mov last_cr2, %r13
        mov $1 << 14, %edi              // D
        xor %esi, %esi
        xor %edx, %edx
        call run_config
        shl $12, %rax
        or %rax, %r8
        mov $1 << 14, %edi              // E
        xor %esi, %esi
        mov $0xffff, %edx
        call run_config
        shl $16, %rax
        or %rax, %r8
        mov fault_log + FL_PF_COUNT, %r9
        mov pf_exits, %r10
        mov good_exits, %r11
        mov vmcalls, %r14
        ret

        .globl guest_main, guest_read, guest_read_done, guest_write, guest_write_done
guest_main:
guest_read:
        mov 0x1200000, %rax
guest_read_done:
guest_write:
        movq $1, 0x1200008
guest_write_done:
        vmcall
        EXTABLE(guest_read, guest_read_done)
        EXTABLE(guest_write, guest_write_done)
