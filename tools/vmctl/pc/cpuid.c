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

/*
 * Leaf 0x15's ratio: NUM / DEN as close to TSC_KHZ / CRYSTAL_KHZ as can be
 * with CRYSTAL_KHZ * NUM < 2^32. Linux (native_calibrate_tsc(), 6.1 to
 * at least 6.12) computes the TSC's kHz as crystal_khz * ebx / eax in
 * unsigned int: with the plain ratio (NUM = TSC kHz, DEN = crystal kHz)
 * and the 1 GHz crystal, 3499912 * 1000000 wrapped and a 3.5 GHz TSC was
 * taken for 3.808 MHz. The guest's clock then ran ~900 times fast and its
 * TSC-deadline tick came every few microseconds: under Bochs the nested
 * Linux boot under vmm spent its time in timer interrupts and never
 * reached /init (under kvm, kvm-clock gives the frequency instead).
 * Hardware's ratios are small (e.g. 216 / 2 with a 24 MHz crystal). The
 * best fraction whose numerator fits is off by some ppm, at most about
 * 1 / (2 * DEN * max DEN) of the ratio (~100 ppm with a 1 GHz crystal):
 * Bochs's 3499.912 MHz becomes 7 / 2 = 3500 MHz, 25 ppm, within a real
 * crystal's tolerance. The crystal stays the APIC timer's 1 GHz, since
 * Linux takes its APIC timer period from it.
 */
static void tsc_ratio(uint32_t tsc_khz, uint32_t crystal_khz, uint32_t *num, uint32_t *den)
{
	uint64_t max_num = UINT32_MAX / crystal_khz, best_err = UINT64_MAX;
	uint64_t d, n, got, err;

	*num = tsc_khz;
	*den = crystal_khz;
	if ((uint64_t)tsc_khz <= max_num)
		return;
	for (d = 1; d * tsc_khz / crystal_khz <= max_num; d++) {
		n = (d * tsc_khz + crystal_khz / 2) / crystal_khz;
		if (!n || n > max_num)
			continue;
		got = crystal_khz * n / d;	/* as Linux computes it */
		err = got > tsc_khz ? got - tsc_khz : tsc_khz - got;
		if (err < best_err) {
			best_err = err;
			*num = n;
			*den = d;
		}
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
	if (is_intel(e, *nr) && x && x->eax >= LEAF_TSC_CRYSTAL &&
	    (uint64_t)apic_khz * 1000 <= UINT32_MAX) {
		/* TSC = crystal * EBX / EAX, the crystal being the APIC timer's clock. */
		x = find_or_add(e, nr, LEAF_TSC_CRYSTAL);
		tsc_ratio(tsc_khz, apic_khz, &x->ebx, &x->eax);
		x->ecx = apic_khz * 1000;
		return 1;
	}
	return 0;
}
