// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the PC changes in the backend's CPUID table for a full guest OS:
 * the topology the MADT describes (one package, APIC ID = vCPU index) in
 * place of the host CPU's own IDs, and the TSC frequency, so that the
 * guest need not calibrate it against the PIT: leaf 0x40000010 (TSC and
 * local APIC timer frequency in kHz, the leaf VMware defined and other
 * hypervisors copied) and, on Intel, leaf 0x15 (the TSC as a ratio of a
 * crystal whose frequency is the APIC timer's). Under kvm, Linux takes the
 * frequency from kvm-clock anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "pc.h"

#define LEAF_HV_BASE		0x40000000
#define LEAF_HV_TIMING		0x40000010
#define LEAF_TSC_CRYSTAL	0x15
#define CPUID_1_ECX_HYPERVISOR	BIT(31)

static struct vmctl_cpuid_entry *find(struct vmctl_cpuid_entry *e, unsigned int nr,
				      uint32_t fn, uint32_t index)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (e[i].function == fn &&
		    (!(e[i].flags & VMCTL_CPUID_INDEXED) || e[i].index == index))
			return &e[i];
	}
	return NULL;
}

static struct vmctl_cpuid_entry *find_or_add(struct vmctl_cpuid_entry *e, unsigned int *nr,
					     uint32_t fn)
{
	struct vmctl_cpuid_entry *x = find(e, *nr, fn, 0);

	if (x)
		return x;
	x = &e[(*nr)++];
	memset(x, 0, sizeof(*x));
	x->function = fn;
	return x;
}

static bool is_intel(struct vmctl_cpuid_entry *e, unsigned int nr)
{
	struct vmctl_cpuid_entry *l0 = find(e, nr, 0, 0);

	/* "GenuineIntel" in EBX, EDX, ECX */
	return l0 && l0->ebx == 0x756e6547 && l0->edx == 0x49656e69 && l0->ecx == 0x6c65746e;
}

/*
 * APIC IDs: the vCPU's index, as the MADT says; one logical CPU per package.
 * And the hypervisor bit, which kvm leaves to userspace: without it Linux
 * looks for no hypervisor leaves, so no kvm-clock, and calibrates the TSC
 * against the PIT, which fails under nested emulation.
 */
static void pc_cpuid_topology(struct vmctl_cpuid_entry *e, unsigned int nr, unsigned int id)
{
	struct vmctl_cpuid_entry *x;
	unsigned int i;

	x = find(e, nr, 1, 0);
	if (x) {
		x->ebx = (x->ebx & 0xffff) | 1 << 16 | id << 24;
		x->ecx |= CPUID_1_ECX_HYPERVISOR;
	}
	for (i = 0; i < nr; i++) {
		if (e[i].function == 0xb || e[i].function == 0x1f)
			e[i].edx = id;		/* x2APIC ID */
		if (e[i].function == 0x8000001e)
			e[i].eax = id;		/* extended APIC ID */
	}
}

int pc_cpuid(struct vmctl_cpuid_entry **entries, unsigned int *nr, unsigned int vcpu_id,
	     uint32_t tsc_khz, uint32_t apic_khz)
{
	struct vmctl_cpuid_entry *e, *base, *x;

	/* Room for the two leaves that may be added. */
	e = realloc(*entries, (*nr + 2) * sizeof(*e));
	if (!e) {
		warn_errno("realloc");
		return -1;
	}
	*entries = e;
	pc_cpuid_topology(e, *nr, vcpu_id);
	if (!tsc_khz)
		return 0;
	base = find(e, *nr, LEAF_HV_BASE, 0);
	if (base) {
		if (base->eax < LEAF_HV_TIMING)
			base->eax = LEAF_HV_TIMING;
		x = find_or_add(e, nr, LEAF_HV_TIMING);
		x->eax = tsc_khz;
		x->ebx = apic_khz;
	}
	x = find(e, *nr, 0, 0);
	if (is_intel(e, *nr) && x && x->eax >= LEAF_TSC_CRYSTAL) {
		/* TSC = crystal * EBX / EAX, the crystal being the APIC timer's clock. */
		x = find_or_add(e, nr, LEAF_TSC_CRYSTAL);
		x->eax = apic_khz;
		x->ebx = tsc_khz;
		x->ecx = apic_khz * 1000;
		return 1;
	}
	return 0;
}
