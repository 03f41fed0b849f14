/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between the vmm core and a hardware backend (VMX or SVM).
 *
 * Each backend fills one const table at the end of its main file; the core
 * picks one at load by calling ->probe() on each, and from then on reaches the
 * hardware only through it. The core never includes a backend's headers.
 */
#ifndef VMM_VENDOR_H
#define VMM_VENDOR_H

#include <linux/types.h>

struct vmm_caps;

struct vmm_vendor_ops {
	const char *name;
	u32 vendor;			/* enum vmm_vendor */

	/*
	 * Is this extension present and usable? Fills @caps on success. On
	 * failure returns a negative errno and has logged one line saying why.
	 * Returns -ENXIO, silently, when the CPU lacks the extension altogether
	 * so that the core can try the other vendor.
	 */
	int (*probe)(struct vmm_caps *caps);

	/* Allocate (and free) what enabling needs on every possible CPU. */
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);

	/*
	 * Turn the extension on or off on the calling CPU, with interrupts
	 * disabled. cpu_enable() returns -EBUSY when another hypervisor
	 * already has it on. cpu_disable() must work in reboot and panic
	 * paths: it tolerates faults and never sleeps.
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	/* Is the extension on in hardware on the calling CPU? */
	bool (*cpu_enabled)(void);

	/* The one-line remedy printed when another hypervisor holds the CPU. */
	const char *busy_hint;
};

extern const struct vmm_vendor_ops vmm_vmx_ops;
extern const struct vmm_vendor_ops vmm_svm_ops;

#endif /* VMM_VENDOR_H */
