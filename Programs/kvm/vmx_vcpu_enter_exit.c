/*
 * vmx_vcpu_enter_exit, re-created from the behaviour described in the KVM CR2 RFC thread
 * (../shared/reference/kvm-cr2-rfc-thread.txt) and FACTS.md; not copied from Linux.
 *
 * One source, several variants, chosen with -D when the lab builds it:
 *   (none)                stock KVM: load the guest's CR2 only if it differs from the live CR2, run the
 *                         guest, read CR2 back into vcpu->arch.cr2. The host CR2 is never restored.
 *   CR2_RESTORE_HOST      the RFC patch: also remember the host CR2 before entry and write it back
 *                         after the exit if the guest left a different value.
 *   CR2_MARK_GUEST_OWNED  an alternative the lab shows for comparison: no extra CR2 write; instead a
 *                         per-CPU flag (%gs:PCPU_CR2_GUEST_OWNED) says "CR2 holds a guest value" from
 *                         just before entry until the next host #PF, for readers such as an oops dump.
 *
 * Compiled freestanding, like kernel code: no red zone, no PIC, no stack protector (Toolchain.cFlags).
 */
#include "kvm_lab.h"

#ifdef CR2_MARK_GUEST_OWNED
/* Per-CPU flag at this offset of the GS area (Programs/host/lab/lab.h documents it). */
#define PCPU_CR2_GUEST_OWNED 64
static inline void mark_cr2_guest_owned(unsigned long value)
{
	asm volatile("movq %0, %%gs:%c1" : : "r"(value), "i"(PCPU_CR2_GUEST_OWNED) : "memory");
}
#endif

void vmx_vcpu_enter_exit(struct kvm_vcpu *vcpu, unsigned int flags)
{
	struct vcpu_vmx *vmx = to_vmx(vcpu);
#ifdef CR2_RESTORE_HOST
	unsigned long host_cr2 = native_read_cr2();

	if (vcpu->arch.cr2 != host_cr2)
		native_write_cr2(vcpu->arch.cr2);
#else
#ifdef CR2_MARK_GUEST_OWNED
	mark_cr2_guest_owned(1);
#endif
	if (vcpu->arch.cr2 != native_read_cr2())
		native_write_cr2(vcpu->arch.cr2);
#endif

	vmx->fail = __vmx_vcpu_run(vmx, vcpu->arch.regs, flags);

	vcpu->arch.cr2 = native_read_cr2();

#ifdef CR2_RESTORE_HOST
	if (__builtin_expect(vcpu->arch.cr2 != host_cr2, 0))
		native_write_cr2(host_cr2);
#endif
}
