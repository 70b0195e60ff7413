/*
 * The CR2 lab's host loop: the part of KVM around vmx_vcpu_enter_exit (vmx_vcpu_run and the exit
 * handlers), reduced to what the CR2 question needs. Written for TinyVMX; no Linux code.
 *
 * Per transition t (lab_config.transitions of them):
 *   1. if scheduled, the host takes a real #PF of its own (a kernel-half vmalloc-like address), so the
 *      host CR2 is a host address;
 *   2. guest RDI = t, guest RSI = LAB_GUEST_FAULT if the guest should fault this time;
 *   3. record the host CR2, call vmx_vcpu_enter_exit through lab_call_routine, record what the oops
 *      routine prints as CR2 and the CR2 itself right after the return;
 *   4. handle the exit like KVM: an NMI exit calls the host NMI handler; VMCALL, CPUID and HLT skip the
 *      instruction; an EPT violation maps the 2 MiB guest-physical page and retries.
 * Results go to lab_records / lab_nmi_log / lab_status (layouts in lab.h).
 */
#include "../../kvm/kvm_lab.h"
#include "../runtime/vmx.h"
#include "lab.h"

/* The host runtime (Programs/host/runtime), SysV ABI. */
extern unsigned long vmx_on(void);
extern unsigned long vmcs_setup(void *vmcs, unsigned long guest_rip, unsigned long guest_rsp);
extern unsigned long vmread_field(unsigned long encoding);
extern unsigned long vmwrite_field(unsigned long encoding, unsigned long value);
extern unsigned long vmcs_or(unsigned long encoding, unsigned long bits);
extern unsigned long vmx_enable_ept(void);
extern unsigned long vmx_skip_instruction(void);
extern unsigned long invept_all(void);
extern void demand_register(unsigned long start, unsigned long end, unsigned long flags);
extern void unmap_page(unsigned long virt);
extern void oops(void *frame);
extern unsigned long oops_cr2;
extern void *pf_callback;
extern void *nmi_callback;
extern unsigned long ept_pd[512];
extern char vmcs_region[];

/* lab_boot.S */
extern void lab_call_routine(struct kvm_vcpu *vcpu, unsigned int flags);
extern char lab_routine_returned[];
extern void lab_nmi_irqoff(void);
extern unsigned long lab_touch(unsigned long address);
extern unsigned long lab_read_cr2(void);
extern unsigned long lab_gs_read(unsigned long offset);
extern void lab_gs_write(unsigned long offset, unsigned long value);

/* The routine's HOST_RIP landing (Programs/kvm/vmenter.S or the variant's own). */
extern char vmx_vmexit[];

/* The guest object. */
extern char guest_start[];

#define PTE_P 1UL
#define PTE_W 2UL
#define PTE_NX (1UL << 63)
#define TF_QUADS 22
#define TF_RIP_SLOT 17
#define TF_CS_SLOT 18
#define KERNEL_CS 8

unsigned long lab_config[LAB_CFG_SIZE / 8] = { 1, 1000000, 1000000, ~0UL };
unsigned long lab_records[LAB_MAX_RECORDS][LAB_REC_SIZE / 8];
unsigned long lab_nmi_log[LAB_NMI_SIZE / 8];
unsigned long lab_status;
unsigned long lab_transitions_done;
unsigned long lab_ept_mapped = ~0UL;      /* the 2 MiB EPT page the last EPT violation mapped */

static struct vcpu_vmx vcpu_vmx;
static struct loaded_vmcs loaded_vmcs;

/* Whether event number t (from 0) of a rate given in parts per million happens: spread evenly, so
 * that exactly floor(n * ppm / 1e6) of the first n transitions have it. */
static int scheduled(unsigned long t, unsigned long ppm)
{
	return (t + 1) * ppm / 1000000 != t * ppm / 1000000;
}

/* nmi_callback(frame): record the CR2 the Linux-like NMI handler saved on entry and where it hit. */
static void lab_nmi_callback(unsigned long *frame)
{
	unsigned long n = lab_nmi_log[LAB_NMI_COUNT / 8];

	if (n < LAB_NMI_MAX) {
		lab_nmi_log[LAB_NMI_ENTRIES / 8 + 2 * n] = lab_gs_read(8 /* PCPU_NMI_CR2 */);
		lab_nmi_log[LAB_NMI_ENTRIES / 8 + 2 * n + 1] = frame[TF_RIP_SLOT];
	}
	lab_nmi_log[LAB_NMI_COUNT / 8] = n + 1;
}

/* pf_callback(frame, cr2): a host #PF makes CR2 host-owned again (for the CR2_MARK_GUEST_OWNED variant).
 * Returns 0: the runtime's demand paging then handles the fault. */
static unsigned long lab_pf_callback(unsigned long *frame, unsigned long cr2)
{
	(void)frame;
	(void)cr2;
	lab_gs_write(PCPU_CR2_GUEST_OWNED, 0);
	return 0;
}

/* What an oops right after the routine would print as CR2 (the runtime's __show_regs-like dump). */
static unsigned long lab_oops_cr2(void)
{
	unsigned long frame[TF_QUADS] = { 0 };

	frame[TF_RIP_SLOT] = (unsigned long)lab_routine_returned;
	frame[TF_CS_SLOT] = KERNEL_CS;
	oops(frame);
	return oops_cr2;
}

/* Map the 2 MiB guest-physical page holding gpa (identity, RWX, write-back) in place of the last one. */
static void lab_map_ept_large(unsigned long gpa)
{
	unsigned long index = (gpa >> 21) & 511;

	if (lab_ept_mapped != ~0UL)
		ept_pd[lab_ept_mapped] = 0;
	ept_pd[index] = (gpa & ~0x1FFFFFUL & 0x3FFFFFFFUL) | 7 | (6 << 3) | (1 << 7);
	lab_ept_mapped = index;
	invept_all();
}

/* Handle the exit like KVM would; returns 1 if the guest can be entered again. */
static int lab_handle_exit(unsigned int reason)
{
	switch (reason) {
	case EXIT_REASON_EXCEPTION_NMI:
		if ((vmread_field(VMCS_EXIT_INTR_INFO) & 0x700) == 0x200) {
			lab_nmi_irqoff();
			return 1;
		}
		return 0;
	case EXIT_REASON_VMCALL:
		if (vcpu_vmx.vcpu.arch.regs[VCPU_REGS_RBX] == LAB_GUEST_PANIC_MAGIC) {
			lab_status = LAB_STATUS_GUEST_PANIC;
			return 0;
		}
		vmx_skip_instruction();
		return 1;
	case EXIT_REASON_CPUID:
	case EXIT_REASON_HLT:
		vmx_skip_instruction();
		return 1;
	case EXIT_REASON_EPT_VIOLATION:
		lab_map_ept_large(vmread_field(VMCS_GUEST_PHYSICAL_ADDRESS));
		return 1;
	default:
		lab_status = LAB_STATUS_UNHANDLED_EXIT;
		return 0;
	}
}

static int lab_setup(void)
{
	if (vmx_on() != 0) {
		lab_status = LAB_STATUS_VMXON_FAILED;
		return 0;
	}
	if (vmcs_setup(vmcs_region, (unsigned long)guest_start, 0) != 0 || vmx_enable_ept() != 0 ||
	    vmcs_or(VMCS_PIN_CONTROLS, PIN_NMI_EXITING) != 0 || vmcs_or(VMCS_PROC_CONTROLS, PROC_HLT_EXITING) != 0 ||
	    vmwrite_field(VMCS_HOST_RIP, (unsigned long)vmx_vmexit) != 0) {
		lab_status = LAB_STATUS_VMCS_FAILED;
		return 0;
	}
	loaded_vmcs.vmcs = vmcs_region;
	vcpu_vmx.loaded_vmcs = &loaded_vmcs;
	demand_register(LAB_HOST_FAULT_BASE, LAB_HOST_FAULT_BASE + 0x200000, PTE_P | PTE_W | PTE_NX);
	pf_callback = (void *)lab_pf_callback;
	nmi_callback = (void *)lab_nmi_callback;
	return 1;
}

void lab_main(void)
{
	unsigned long transitions = lab_config[LAB_CFG_TRANSITIONS / 8];
	unsigned long t;

	if (!lab_setup())
		return;
	for (t = 0; t < transitions; t++) {
		unsigned long *rec = lab_records[t % LAB_MAX_RECORDS];
		unsigned long flags = 0;
		unsigned int run_flags;

		if (scheduled(t, lab_config[LAB_CFG_HOST_FAULT_PPM / 8])) {
			unsigned long address = LAB_HOST_FAULT_BASE + (t & 255) * 4096 + 0x08;

			lab_touch(address);
			unmap_page(address & ~4095UL);
			flags |= LAB_HOST_FAULT;
		}
		if (scheduled(t, lab_config[LAB_CFG_GUEST_FAULT_PPM / 8]))
			flags |= LAB_GUEST_FAULT;
		vcpu_vmx.vcpu.arch.regs[VCPU_REGS_RDI] = t;
		vcpu_vmx.vcpu.arch.regs[VCPU_REGS_RSI] = flags & LAB_GUEST_FAULT;
		run_flags = loaded_vmcs.launched ? VMX_RUN_VMRESUME : 0;
		if (t == lab_config[LAB_CFG_FAIL_AT / 8])
			run_flags ^= VMX_RUN_VMRESUME;

		rec[LAB_REC_HOST_CR2_BEFORE / 8] = lab_read_cr2();
		lab_call_routine(&vcpu_vmx.vcpu, run_flags);
		rec[LAB_REC_OOPS_CR2 / 8] = lab_oops_cr2();
		rec[LAB_REC_HOST_CR2_AFTER / 8] = lab_read_cr2();

		if (lab_gs_read(PCPU_CR2_GUEST_OWNED))
			flags |= LAB_CR2_MARKED;
		rec[LAB_REC_VCPU_CR2 / 8] = vcpu_vmx.vcpu.arch.cr2;
		rec[LAB_REC_FAIL / 8] = vcpu_vmx.fail;
		rec[LAB_REC_FLAGS / 8] = flags;
		rec[LAB_REC_EXIT_REASON / 8] = ~0UL;
		rec[LAB_REC_HANDLED / 8] = 0;
		lab_transitions_done = t + 1;
		if (vcpu_vmx.fail)
			continue;       /* like KVM: report the failure, try again next time */
		loaded_vmcs.launched = 1;
		vcpu_vmx.exit_reason = (unsigned int)vmread_field(VMCS_EXIT_REASON);
		rec[LAB_REC_EXIT_REASON / 8] = vcpu_vmx.exit_reason;
		if (!lab_handle_exit(vcpu_vmx.exit_reason))
			return;
		rec[LAB_REC_HANDLED / 8] = 1;
	}
	lab_status = LAB_STATUS_DONE;
}
