/*
 * The vCPU structures shared by the KVM-like routines (Programs/kvm), the lab harness (Programs/host/lab)
 * and TinyVMX's CR2 lab. A reduced model of Linux's struct kvm_vcpu / struct vcpu_vmx: only the fields
 * vmx_vcpu_enter_exit and __vmx_vcpu_run touch. Written from the described behaviour; the offsets are this
 * project's own (Debian's 6.1 build has regs at 0x128 and cr2 at 0x1c8, see debian-kvm-module.md).
 *
 * C sees the structs; assembly (and the lab, through the harness) sees the offsets below. The C side
 * checks that both agree.
 */
#ifndef KVM_LAB_H
#define KVM_LAB_H

/* vcpu->arch.regs[] indices, in x86 register-number order, then RIP (Linux's VCPU_REGS_*). */
#define VCPU_REGS_RAX 0
#define VCPU_REGS_RCX 1
#define VCPU_REGS_RDX 2
#define VCPU_REGS_RBX 3
#define VCPU_REGS_RSP 4
#define VCPU_REGS_RBP 5
#define VCPU_REGS_RSI 6
#define VCPU_REGS_RDI 7
#define VCPU_REGS_R8 8
#define VCPU_REGS_R15 15
#define VCPU_REGS_RIP 16
#define NR_VCPU_REGS 17

/* Byte offsets. */
#define VCPU_ARCH_REGS 0            /* unsigned long regs[17] */
#define VCPU_ARCH_CR2 136           /* unsigned long cr2 */
#define VMX_LOADED_VMCS 144         /* struct loaded_vmcs *loaded_vmcs */
#define VMX_FAIL 152                /* unsigned char fail */
#define VMX_EXIT_REASON 156         /* unsigned int exit_reason */
#define VCPU_VMX_SIZE 160

#define LOADED_VMCS_VMCS 0          /* void *vmcs */
#define LOADED_VMCS_LAUNCHED 12     /* int launched */
#define LOADED_VMCS_HOST_RSP 16     /* unsigned long host_state.rsp */

/* __vmx_vcpu_run flags. */
#define VMX_RUN_VMRESUME 1

/* VMCS encodings the routines use. */
#define KVM_VMCS_HOST_RSP 0x6C14
#define KVM_VMCS_EXIT_REASON 0x4402

#ifndef __ASSEMBLER__
struct kvm_vcpu_arch {
	unsigned long regs[NR_VCPU_REGS];
	unsigned long cr2;
};

struct kvm_vcpu {
	struct kvm_vcpu_arch arch;
};

struct loaded_vmcs {
	void *vmcs;
	int cpu;
	int launched;
	struct {
		unsigned long rsp;
	} host_state;
};

struct vcpu_vmx {
	struct kvm_vcpu vcpu;
	struct loaded_vmcs *loaded_vmcs;
	unsigned char fail;
	unsigned int exit_reason;
};

#define KVM_LAB_OFFSET_CHECK(type, field, value) \
	_Static_assert(__builtin_offsetof(type, field) == (value), #field " offset")
KVM_LAB_OFFSET_CHECK(struct vcpu_vmx, vcpu.arch.regs, VCPU_ARCH_REGS);
KVM_LAB_OFFSET_CHECK(struct vcpu_vmx, vcpu.arch.cr2, VCPU_ARCH_CR2);
KVM_LAB_OFFSET_CHECK(struct vcpu_vmx, loaded_vmcs, VMX_LOADED_VMCS);
KVM_LAB_OFFSET_CHECK(struct vcpu_vmx, fail, VMX_FAIL);
KVM_LAB_OFFSET_CHECK(struct vcpu_vmx, exit_reason, VMX_EXIT_REASON);
KVM_LAB_OFFSET_CHECK(struct loaded_vmcs, launched, LOADED_VMCS_LAUNCHED);
KVM_LAB_OFFSET_CHECK(struct loaded_vmcs, host_state.rsp, LOADED_VMCS_HOST_RSP);
_Static_assert(sizeof(struct vcpu_vmx) == VCPU_VMX_SIZE, "struct vcpu_vmx size");

static inline struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return (struct vcpu_vmx *)vcpu;
}

/* Like Linux's native_read_cr2 / native_write_cr2: plain MOVs, nothing else. */
static inline unsigned long native_read_cr2(void)
{
	unsigned long value;
	asm volatile("mov %%cr2, %0" : "=r"(value));
	return value;
}

static inline void native_write_cr2(unsigned long value)
{
	asm volatile("mov %0, %%cr2" : : "r"(value) : "memory");
}

/* The routines' entry points (the lab calls vmx_vcpu_enter_exit; HOST_RIP is vmx_vmexit). */
void vmx_vcpu_enter_exit(struct kvm_vcpu *vcpu, unsigned int flags);
unsigned int __vmx_vcpu_run(struct vcpu_vmx *vmx, unsigned long *regs, unsigned int flags);
#endif

#endif
