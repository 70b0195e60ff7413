/*
 * The CR2 lab's host: the TinyVMX host runtime (IDT, Linux-like #PF and NMI handlers, oops dump,
 * per-CPU GS) plus VMX support, and the assembly glue lab_main.c needs. lab_main.c holds the loop.
 * Comments are C-style: this file goes through the C preprocessor.
 */
#include "../runtime.S"
#include "../runtime/vmx.S"
#include "lab.h"

        .text
        .globl test_main
test_main:
        jmp lab_main

/* lab_call_routine(vcpu, flags): the one call site of the routine under test. The boundary at
   lab_routine_returned is where the routine has returned. */
        .globl lab_call_routine
lab_call_routine:
        call vmx_vcpu_enter_exit
        .globl lab_routine_returned
lab_routine_returned:
        ret

/* lab_nmi_irqoff(): what KVM does after an NMI-caused exit: call the host NMI handler with an IRET
   frame, as if the NMI had been delivered here. Its IRETQ also ends the NMI blocking the exit left. */
        .globl lab_nmi_irqoff
lab_nmi_irqoff:
        mov %rsp, %rax
        pushq $KERNEL_DS
        push %rax
        pushfq
        pushq $KERNEL_CS
        call nmi_entry                  /* pushes the return RIP: the frame is complete */
        ret

/* lab_touch(address): a host read that takes a #PF (demand-mapped by the runtime). */
        .globl lab_touch
lab_touch:
        mov (%rdi), %rax
        ret

/* lab_read_cr2(): CR2, outside the routine's window. */
        .globl lab_read_cr2
lab_read_cr2:
        mov %cr2, %rax
        ret

/* lab_gs_read(offset): a per-CPU quadword. lab_gs_write(offset, value). */
        .globl lab_gs_read, lab_gs_write
lab_gs_read:
        mov %gs:(%rdi), %rax
        ret
lab_gs_write:
        mov %rsi, %gs:(%rdi)
        ret
