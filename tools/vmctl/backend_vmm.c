// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmctl run through /dev/vmm (uapi/vmm.h). The run page is the kernel's
 * shared struct vmm_run; exits map onto struct vmctl_exit kind for kind.
 * vmm offers the host's CPUID leaves without VMX and SVM; the table vmctl
 * builds from them goes to the kernel with VMM_SET_CPUID.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"

#define vmctl_be_regs struct vmm_regs
#include "backend_regs.h"

struct vmm_vm_state {
	struct vmctl_vm base;
	int dev, fd;
	unsigned int nr_slots;
	int irqchip;		/* VMM_CREATE_IRQCHIP done */
};

struct vmm_vcpu_state {
	struct vmctl_vcpu base;
	int fd;
	struct vmm_run *run;
	uint8_t io_buf[8];	/* the data of the current I/O exit */
	enum vmctl_exit_kind last;	/* what the previous run() reported */
	int has_last;
};

static struct vmm_vm_state *to_vm(struct vmctl_vm *vm)
{
	return container_of(vm, struct vmm_vm_state, base);
}

static struct vmm_vcpu_state *to_vcpu(struct vmctl_vcpu *vcpu)
{
	return container_of(vcpu, struct vmm_vcpu_state, base);
}

static struct vmctl_vm *vmm_create_vm(void)
{
	struct vmm_create_vm args;
	struct vmm_vm_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &vmm_backend_ops;
	s->dev = open("/dev/vmm", O_RDWR | O_CLOEXEC);
	if (s->dev < 0) {
		warn_errno("/dev/vmm");
		free(s);
		return NULL;
	}
	memset(&args, 0, sizeof(args));
	s->fd = ioctl(s->dev, VMM_CREATE_VM, &args);
	if (s->fd < 0) {
		warn_errno("vmm: VMM_CREATE_VM");
		close(s->dev);
		free(s);
		return NULL;
	}
	return &s->base;
}

static void vmm_destroy_vm(struct vmctl_vm *vm)
{
	struct vmm_vm_state *s = to_vm(vm);

	close(s->fd);
	close(s->dev);
	free(s);
}

static int vmm_add_memory(struct vmctl_vm *vm, uint64_t gpa, uint64_t size, void *host)
{
	struct vmm_vm_state *s = to_vm(vm);
	struct vmm_memory_slot slot;

	memset(&slot, 0, sizeof(slot));
	slot.slot = s->nr_slots;
	slot.guest_phys_addr = gpa;
	slot.size = size;
	slot.userspace_addr = (uintptr_t)host;
	if (ioctl(s->fd, VMM_SET_MEMORY_SLOT, &slot) < 0) {
		warn_errno("vmm: VMM_SET_MEMORY_SLOT");
		return -1;
	}
	s->nr_slots++;
	return 0;
}

static void host_cpuid(uint32_t fn, uint32_t idx, uint32_t *r)
{
	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
		     : "a" (fn), "c" (idx));
}

/* Leaves with sub-leaves, and how many of them to offer at most. */
static unsigned int subleaves(uint32_t fn)
{
	switch (fn) {
	case 4: case 0xb: case 0x1f: case 0x8000001d:
		return 8;
	case 7: case 0xd: case 0xf: case 0x10: case 0x12: case 0x14:
		return 4;
	default:
		return 1;
	}
}

/*
 * Does the host keep time with its TSC? Then the guest's, which is the
 * host's plus an offset running on while the vCPU is not scheduled, is as
 * invariant as the host's: offered as such (CPUID 0x80000007 EDX bit 8),
 * so that a guest need not watch it against a clock that loses ticks
 * whenever the host makes the vCPU wait (Linux's clocksource watchdog
 * then marks it unstable).
 */
static int host_tsc_is_clock(void)
{
	char cs[16] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			"r");

	if (!f)
		return 0;
	if (!fgets(cs, sizeof(cs), f))
		cs[0] = 0;
	fclose(f);
	return !strcmp(cs, "tsc\n");
}

/*
 * What the module gives a guest of the host's features (its security.rst):
 * no nesting, MONITOR, PMU, PKU, CET, XSAVES, RDTSCP or speculation-control
 * MSRs; TSC_ADJUST, which it keeps itself. With the module's local APIC:
 * APIC, x2APIC and the TSC-deadline timer, whatever the host has.
 * Nor the thermal, power and debug-store features whose MSRs the module
 * does not keep (a #GP): Linux 6.1's intel_init_thermal() reads and writes
 * IA32_THERM_INTERRUPT (0x19b) unchecked when leaf 1 has ACPI and TM, as
 * Bochs's Skylake does ("unchecked MSR access error" in the guest's log).
 * kvm hides the same bits; leaf 6 keeps only ARAT, as kvm's does (the
 * module's APIC timer runs on in any C-state).
 */
#define CPUID_6_EAX_ARAT	BIT(2)

static void hide_leaf(struct vmctl_cpuid_entry *e, int irqchip)
{
	switch (e->function) {
	case 1:
		/*
		 * DTES64, MONITOR, DS-CPL, VMX, SMX, EST, TM2, xTPR, PDCM,
		 * x2APIC, TSC-deadline; APIC, DS, ACPI (thermal MSRs), TM, PBE
		 */
		e->ecx &= ~(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) |
			    BIT(14) | BIT(15) | BIT(21) | BIT(24));
		e->edx &= ~(BIT(9) | BIT(21) | BIT(22) | BIT(29) | BIT(31));
		if (irqchip) {
			e->ecx |= BIT(21) | BIT(24);
			e->edx |= BIT(9);
		}
		break;
	case 7:
		if (e->index)
			break;
		/* INVPCID; PKU, OSPKE, WAITPKG, CET; IBT, speculation control */
		e->ebx &= ~BIT(10);
		e->ebx |= BIT(1);	/* TSC_ADJUST: the module's, on both vendors */
		e->ecx &= ~(BIT(3) | BIT(4) | BIT(5) | BIT(7));
		e->edx &= ~(BIT(20) | 0xfc000000u);
		break;
	case 6:		/* thermal and power management: ARAT only */
		e->eax &= CPUID_6_EAX_ARAT;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	case 0xa:	/* no PMU */
		e->eax = 0;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		break;
	case 0xd:
		if (e->index == 1)	/* XSAVES, XFD */
			e->eax &= ~(BIT(3) | BIT(4));
		break;
	case 0x80000001:
		/* SVM, core performance counters; RDTSCP */
		e->ecx &= ~(BIT(2) | BIT(23));
		e->edx &= ~BIT(27);
		break;
	case 0x80000007:
		if (host_tsc_is_clock())
			e->edx |= BIT(8);	/* invariant TSC */
		break;
	case 0x80000008:
		/* IBPB, IBRS, STIBP, SSBD, VIRT_SSBD */
		e->ebx &= ~(BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25));
		break;
	}
}

static int add_leaves(struct vmctl_cpuid_entry *e, unsigned int *n, unsigned int max,
		      uint32_t first, int irqchip)
{
	uint32_t r[4], fn, last, idx;

	host_cpuid(first, 0, r);
	last = r[0];
	if (last < first || last - first > 0x40)
		last = first;
	for (fn = first; fn <= last; fn++) {
		for (idx = 0; idx < subleaves(fn); idx++) {
			if (*n == max)
				return -1;
			host_cpuid(fn, idx, r);
			e[*n] = (struct vmctl_cpuid_entry){
				.function = fn, .index = idx,
				.flags = subleaves(fn) > 1 ? VMCTL_CPUID_INDEXED : 0,
				.eax = r[0], .ebx = r[1], .ecx = r[2], .edx = r[3],
			};
			hide_leaf(&e[*n], irqchip);
			(*n)++;
		}
	}
	return 0;
}

static int vmm_supported_cpuid(struct vmctl_vm *vm, struct vmctl_cpuid_entry **entries,
			       unsigned int *nr)
{
	struct vmm_vm_state *s = to_vm(vm);
	unsigned int n = 0;

	*entries = calloc(VMM_MAX_CPUID_ENTRIES, sizeof(**entries));
	if (!*entries)
		return -1;
	if (add_leaves(*entries, &n, VMM_MAX_CPUID_ENTRIES, 0, s->irqchip) ||
	    add_leaves(*entries, &n, VMM_MAX_CPUID_ENTRIES, 0x80000000, s->irqchip)) {
		free(*entries);
		errno = E2BIG;
		warn_errno("vmm: host CPUID");
		return -1;
	}
	/* The hypervisor leaf, where vmctl's PC puts the TSC rate (0x40000010). */
	(*entries)[n++] = (struct vmctl_cpuid_entry){
		.function = 0x40000000, .eax = 0x40000000,
		.ebx = 0x566d6d56, .ecx = 0x6d566d6d, .edx = 0x6d6d566d,	/* "VmmVmmVmmVmm" */
	};
	*nr = n;
	return 0;
}

static struct vmctl_vcpu *vmm_create_vcpu(struct vmctl_vm *vm, unsigned int id)
{
	struct vmm_vcpu_state *v = calloc(1, sizeof(*v));
	struct vmm_create_vcpu args;

	if (!v)
		return NULL;
	memset(&args, 0, sizeof(args));
	args.id = id;
	v->fd = ioctl(to_vm(vm)->fd, VMM_CREATE_VCPU, &args);
	if (v->fd < 0) {
		warn_errno("vmm: VMM_CREATE_VCPU");
		free(v);
		return NULL;
	}
	v->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		warn_errno("vmm: mmap run page");
		close(v->fd);
		free(v);
		return NULL;
	}
	v->base.vm = vm;
	v->base.id = id;
	return &v->base;
}

static void vmm_destroy_vcpu(struct vmctl_vcpu *vcpu)
{
	struct vmm_vcpu_state *v = to_vcpu(vcpu);

	munmap(v->run, 4096);
	close(v->fd);
	free(v);
}

static int vmm_set_cpuid(struct vmctl_vcpu *vcpu, const struct vmctl_cpuid_entry *entries,
			 unsigned int nr)
{
	struct vmm_cpuid_entry *k = calloc(nr ? nr : 1, sizeof(*k));
	struct vmm_cpuid c;
	unsigned int i;
	int ret;

	if (!k)
		return -1;
	for (i = 0; i < nr; i++)
		k[i] = (struct vmm_cpuid_entry){
			.function = entries[i].function, .index = entries[i].index,
			.flags = entries[i].flags & VMCTL_CPUID_INDEXED ? VMM_CPUID_INDEXED : 0,
			.eax = entries[i].eax, .ebx = entries[i].ebx,
			.ecx = entries[i].ecx, .edx = entries[i].edx,
		};
	memset(&c, 0, sizeof(c));
	c.nent = nr;
	c.entries = (uintptr_t)k;
	ret = ioctl(to_vcpu(vcpu)->fd, VMM_SET_CPUID, &c);
	if (ret < 0)
		warn_errno("vmm: VMM_SET_CPUID");
	free(k);
	return ret < 0 ? -1 : 0;
}

static int vmm_get_regs(struct vmctl_vcpu *vcpu, struct vmctl_regs *r)
{
	struct vmm_regs k;

	if (ioctl(to_vcpu(vcpu)->fd, VMM_GET_REGS, &k) < 0) {
		warn_errno("vmm: VMM_GET_REGS");
		return -1;
	}
	regs_from_be(r, &k);
	return 0;
}

static int vmm_set_regs(struct vmctl_vcpu *vcpu, const struct vmctl_regs *r)
{
	struct vmm_regs k;

	regs_to_be(&k, r);
	if (ioctl(to_vcpu(vcpu)->fd, VMM_SET_REGS, &k) < 0) {
		warn_errno("vmm: VMM_SET_REGS");
		return -1;
	}
	return 0;
}

/* The uapi keeps segment attributes in the descriptor's bit layout. */
static void seg_from_vmm(struct vmctl_segment *s, const struct vmm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->type = k->attrib & 0xf;
	s->s = (k->attrib >> 4) & 1;
	s->dpl = (k->attrib >> 5) & 3;
	s->present = (k->attrib >> 7) & 1;
	s->avl = (k->attrib >> 8) & 1;
	s->l = (k->attrib >> 9) & 1;
	s->db = (k->attrib >> 10) & 1;
	s->g = (k->attrib >> 11) & 1;
}

static void seg_to_vmm(struct vmm_segment *k, const struct vmctl_segment *s)
{
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->attrib = (s->type & 0xf) | (s->s & 1) << 4 | (s->dpl & 3) << 5 |
		    (s->present & 1) << 7 | (s->avl & 1) << 8 | (s->l & 1) << 9 |
		    (s->db & 1) << 10 | (s->g & 1) << 11;
}

static int vmm_get_sregs(struct vmctl_vcpu *vcpu, struct vmctl_sregs *s)
{
	struct vmm_sregs k;

	if (ioctl(to_vcpu(vcpu)->fd, VMM_GET_SREGS, &k) < 0) {
		warn_errno("vmm: VMM_GET_SREGS");
		return -1;
	}
	seg_from_vmm(&s->cs, &k.cs);
	seg_from_vmm(&s->ds, &k.ds);
	seg_from_vmm(&s->es, &k.es);
	seg_from_vmm(&s->fs, &k.fs);
	seg_from_vmm(&s->gs, &k.gs);
	seg_from_vmm(&s->ss, &k.ss);
	seg_from_vmm(&s->tr, &k.tr);
	seg_from_vmm(&s->ldtr, &k.ldtr);
	s->gdt.base = k.gdt.base;
	s->gdt.limit = k.gdt.limit;
	s->idt.base = k.idt.base;
	s->idt.limit = k.idt.limit;
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->cr8 = k.cr8;
	s->efer = k.efer;
	return 0;
}

static int vmm_set_sregs(struct vmctl_vcpu *vcpu, const struct vmctl_sregs *s)
{
	struct vmm_sregs k;

	memset(&k, 0, sizeof(k));
	seg_to_vmm(&k.cs, &s->cs);
	seg_to_vmm(&k.ds, &s->ds);
	seg_to_vmm(&k.es, &s->es);
	seg_to_vmm(&k.fs, &s->fs);
	seg_to_vmm(&k.gs, &s->gs);
	seg_to_vmm(&k.ss, &s->ss);
	seg_to_vmm(&k.tr, &s->tr);
	seg_to_vmm(&k.ldtr, &s->ldtr);
	k.gdt.base = s->gdt.base;
	k.gdt.limit = s->gdt.limit;
	k.idt.base = s->idt.base;
	k.idt.limit = s->idt.limit;
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.cr8 = s->cr8;
	k.efer = s->efer;
	if (ioctl(to_vcpu(vcpu)->fd, VMM_SET_SREGS, &k) < 0) {
		warn_errno("vmm: VMM_SET_SREGS");
		return -1;
	}
	return 0;
}

/* Hands what vmctl's device model answered back to the kernel. */
static void vmm_complete(struct vmm_vcpu_state *v, const struct vmctl_exit *exit)
{
	struct vmm_run *run = v->run;

	if (!v->has_last)
		return;
	switch (v->last) {
	case VMCTL_EXIT_IO:
		/* More than one element: read and written in the run page itself. */
		if (exit->io.dir == VMCTL_IO_IN && exit->io.count == 1) {
			run->io.data = 0;
			memcpy(&run->io.data, v->io_buf, exit->io.size);
		}
		break;
	case VMCTL_EXIT_MMIO:
		if (!exit->mmio.is_write)
			memcpy(&run->mmio.data, exit->mmio.data, exit->mmio.len);
		break;
	case VMCTL_EXIT_HYPERCALL:
		run->hypercall.ret = exit->hypercall.regs.rax;
		break;
	default:
		break;
	}
}

static int vmm_run(struct vmctl_vcpu *vcpu, struct vmctl_exit *exit)
{
	struct vmm_vcpu_state *v = to_vcpu(vcpu);
	struct vmm_run *run = v->run;

	vmm_complete(v, exit);
	v->has_last = 0;
	if (ioctl(v->fd, VMM_RUN, 0) < 0) {
		if (errno == EINTR) {
			run->immediate_exit = 0;
			return -1;
		}
		warn_errno("vmm: VMM_RUN");
		return -1;
	}
	memset(exit, 0, sizeof(*exit));
	switch (run->exit_reason) {
	case VMM_EXIT_IO:
		exit->kind = VMCTL_EXIT_IO;
		exit->io.port = run->io.port;
		exit->io.size = run->io.size;
		exit->io.dir = run->io.direction == VMM_IO_IN ? VMCTL_IO_IN : VMCTL_IO_OUT;
		exit->io.count = run->io.count;
		if (run->io.count == 1) {
			memcpy(v->io_buf, &run->io.data, sizeof(v->io_buf));
			exit->io.data = v->io_buf;
		} else {
			exit->io.data = (uint8_t *)run + VMM_RUN_IO_DATA;
		}
		break;
	case VMM_EXIT_MMIO:
		exit->kind = VMCTL_EXIT_MMIO;
		exit->mmio.gpa = run->mmio.gpa;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		memcpy(exit->mmio.data, &run->mmio.data, sizeof(exit->mmio.data));
		break;
	case VMM_EXIT_HLT:
		exit->kind = VMCTL_EXIT_HLT;
		break;
	case VMM_EXIT_HYPERCALL:
		/* The run page has the number and arguments: no VMM_GET_REGS. */
		exit->kind = VMCTL_EXIT_HYPERCALL;
		exit->hypercall.regs.rax = run->hypercall.nr;
		exit->hypercall.regs.rbx = run->hypercall.args[0];
		exit->hypercall.regs.rcx = run->hypercall.args[1];
		exit->hypercall.regs.rdx = run->hypercall.args[2];
		exit->hypercall.regs.rsi = run->hypercall.args[3];
		exit->hypercall.regs.rdi = run->hypercall.args[4];
		break;
	case VMM_EXIT_SHUTDOWN:
		exit->kind = VMCTL_EXIT_SHUTDOWN;
		break;
	case VMM_EXIT_EOI:
		exit->kind = VMCTL_EXIT_EOI;
		exit->eoi.vector = run->eoi.vector;
		break;
	case VMM_EXIT_FAIL_ENTRY:
		exit->kind = VMCTL_EXIT_FAIL_ENTRY;
		exit->fail_entry.reason = run->hw.reason;
		exit->fail_entry.qualification = run->hw.qualification;
		break;
	case VMM_EXIT_INTERNAL_ERROR:
		exit->kind = VMCTL_EXIT_INTERNAL_ERROR;
		exit->internal.ndata = 3;
		exit->internal.data[0] = run->hw.reason;
		exit->internal.data[1] = run->hw.qualification;
		exit->internal.data[2] = run->hw.info;
		break;
	default:
		exit->kind = VMCTL_EXIT_UNKNOWN;
		exit->unknown.code = run->exit_reason;
		exit->unknown.hw_reason = run->hw.reason;
		break;
	}
	v->last = exit->kind;
	v->has_last = 1;
	return 0;
}

static void vmm_kick(struct vmctl_vcpu *vcpu)
{
	to_vcpu(vcpu)->run->immediate_exit = 1;
}

/*
 * The interrupt path: the module's local APICs (VMM_CREATE_IRQCHIP), MSIs
 * into them from vmctl's I/O APIC, and VMM_EXIT_EOI for every EOI of a
 * vector that arrived level-triggered (its TMR bit), so the module needs
 * no copy of the routes.
 */
static int vmm_create_irqchip(struct vmctl_vm *vm, unsigned int nr_pins)
{
	(void)nr_pins;
	if (ioctl(to_vm(vm)->fd, VMM_CREATE_IRQCHIP, 0) < 0) {
		warn_errno("vmm: VMM_CREATE_IRQCHIP");
		return -1;
	}
	to_vm(vm)->irqchip = 1;
	return 0;
}

static int vmm_set_irq_routes(struct vmctl_vm *vm, const struct vmctl_irq_route *routes,
			      unsigned int nr)
{
	(void)vm;
	(void)routes;
	(void)nr;
	return 0;
}

static int vmm_signal_msi(struct vmctl_vm *vm, const struct vmctl_msi *msi)
{
	struct vmm_msi m;

	memset(&m, 0, sizeof(m));
	m.address = msi->address;
	m.data = msi->data;
	if (ioctl(to_vm(vm)->fd, VMM_SIGNAL_MSI, &m) < 0) {
		warn_errno("vmm: VMM_SIGNAL_MSI");
		return -1;
	}
	return 0;
}

static int vmm_get_tsc_khz(struct vmctl_vcpu *vcpu, uint32_t *khz)
{
	int ret = ioctl(to_vm(vcpu->vm)->fd, VMM_GET_TSC_KHZ, 0);

	if (ret <= 0) {
		if (!ret)
			errno = ENODEV;
		return -1;
	}
	*khz = ret;
	return 0;
}

static int vmm_set_pm_timer(struct vmctl_vm *vm, uint16_t port)
{
	struct vmm_pm_timer pm;

	memset(&pm, 0, sizeof(pm));
	pm.port = port;
	return ioctl(to_vm(vm)->fd, VMM_SET_PM_TIMER, &pm) < 0 ? -1 : 0;
}

static int vmm_waits_for_sipi(struct vmctl_vcpu *vcpu)
{
	struct vmm_mp_state mp;

	if (ioctl(to_vcpu(vcpu)->fd, VMM_GET_MP_STATE, &mp) < 0) {
		warn_errno("vmm: VMM_GET_MP_STATE");
		return -1;
	}
	return mp.state == VMM_MP_WAIT_SIPI;
}

const struct vmctl_backend_ops vmm_backend_ops = {
	.name		= "vmm",
	.create_vm	= vmm_create_vm,
	.destroy_vm	= vmm_destroy_vm,
	.add_memory	= vmm_add_memory,
	.supported_cpuid = vmm_supported_cpuid,
	.create_vcpu	= vmm_create_vcpu,
	.destroy_vcpu	= vmm_destroy_vcpu,
	.set_cpuid	= vmm_set_cpuid,
	.get_regs	= vmm_get_regs,
	.set_regs	= vmm_set_regs,
	.get_sregs	= vmm_get_sregs,
	.set_sregs	= vmm_set_sregs,
	.run		= vmm_run,
	.create_irqchip	= vmm_create_irqchip,
	.set_irq_routes	= vmm_set_irq_routes,
	.signal_msi	= vmm_signal_msi,
	.get_tsc_khz	= vmm_get_tsc_khz,
	.set_pm_timer	= vmm_set_pm_timer,
	.kick		= vmm_kick,
	.waits_for_sipi	= vmm_waits_for_sipi,
};
