/*
 * The CR2 lab's harness <-> TinyVMX contract: the configuration TinyVMX writes before the run and the
 * records the harness leaves for it to read (symbols lab_config, lab_records, lab_nmi_log). Usable from C
 * and from assembly. TinyVMX's CR2Lab (Sources/TinyVMXLab) mirrors these numbers; a test checks they agree.
 */
#ifndef LAB_H
#define LAB_H

/* lab_config (quadwords), written by TinyVMX after loading the image. */
#define LAB_CFG_TRANSITIONS 0       /* how many times to call vmx_vcpu_enter_exit */
#define LAB_CFG_GUEST_FAULT_PPM 8   /* guest faults on this fraction of transitions, parts per million */
#define LAB_CFG_HOST_FAULT_PPM 16   /* the host takes a #PF of its own before this fraction of entries */
#define LAB_CFG_FAIL_AT 24          /* transition whose entry is made to fail (VMRESUME before launch), or ~0 */
#define LAB_CFG_SIZE 32

/* One record per transition, kept for the last LAB_MAX_RECORDS (record t lives at t % LAB_MAX_RECORDS). */
#define LAB_REC_HOST_CR2_BEFORE 0   /* CR2 read right before calling the routine */
#define LAB_REC_HOST_CR2_AFTER 8    /* CR2 read right after it returned (after the oops dump) */
#define LAB_REC_OOPS_CR2 16         /* the CR2 the oops routine printed right after the return */
#define LAB_REC_VCPU_CR2 24         /* vcpu->arch.cr2 after the return */
#define LAB_REC_FAIL 32             /* vmx->fail */
#define LAB_REC_EXIT_REASON 40      /* VM_EXIT_REASON (after a successful entry), else ~0 */
#define LAB_REC_FLAGS 48            /* LAB_GUEST_FAULT | LAB_HOST_FAULT | LAB_MARKED (as scheduled/seen) */
#define LAB_REC_HANDLED 56          /* 1 if the exit was handled and the next entry may follow */
#define LAB_REC_SIZE 64
#define LAB_MAX_RECORDS 64

/* Flags: what was scheduled for the transition (guest RSI gets the guest bits). */
#define LAB_GUEST_FAULT 1
#define LAB_HOST_FAULT 2
#define LAB_CR2_MARKED 4            /* %gs:PCPU_CR2_GUEST_OWNED was set after the return */

/* NMIs the host handler saw: count, then (CR2 at entry, interrupted RIP) pairs. */
#define LAB_NMI_COUNT 0
#define LAB_NMI_ENTRIES 8
#define LAB_NMI_MAX 64
#define LAB_NMI_SIZE (8 + 16 * LAB_NMI_MAX)

/* lab_status: where the harness stopped (0 = all transitions ran). */
#define LAB_STATUS_DONE 0
#define LAB_STATUS_VMXON_FAILED 1
#define LAB_STATUS_VMCS_FAILED 2
#define LAB_STATUS_UNHANDLED_EXIT 3
#define LAB_STATUS_GUEST_PANIC 4

/* Addresses: host and guest take their #PFs at kernel-half addresses of the same (vmalloc-like) form. */
#define LAB_HOST_FAULT_BASE 0xffffc90000a00000
#define LAB_GUEST_FAULT_BASE 0xffffc90000400000
#define LAB_GUEST_PANIC_MAGIC 0x70616e6963      /* guest RBX at a VMCALL that reports a guest panic */

/* Per-CPU flag of the CR2_MARK_GUEST_OWNED variant (the runtime leaves offsets >= 64 free). */
#define PCPU_CR2_GUEST_OWNED 64

#endif
