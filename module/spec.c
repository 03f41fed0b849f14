// SPDX-License-Identifier: GPL-2.0-only
/*
 * What spec.h does on this host, for people: /sys/module/vmm/parameters/
 * mitigations (vmctl info prints it) and one line at load. "missing:"
 * names what the kernel would have a hypervisor do that vmm does not yet.
 */
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/string.h>
#include <asm/cpufeature.h>

#include "spec.h"
#include "vmm.h"

static void vmm_spec_add(char *buf, size_t size, bool on, const char *what)
{
	if (on) {
		if (buf[0])
			strlcat(buf, " ", size);
		strlcat(buf, what, size);
	}
}

const char *vmm_spec_report(void)
{
	static char report[256];
	char missing[128] = "";
	const char *l1d = NULL;
	/* Which sequence entry_untrain_ret() runs (the kernel's choice). */
	const char *untrain = boot_cpu_has(X86_FEATURE_SRSO_ALIAS) ? "untrain-ret(srso-alias)" :
			      boot_cpu_has(X86_FEATURE_SRSO) ? "untrain-ret(srso)" : "untrain-ret";

	if (!vmm_ops)
		return "none";
	report[0] = 0;
	vmm_spec_add(report, sizeof(report), vmm_spec_verw_wanted(), "verw");
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_RSB_VMEXIT),
		     "rsb-fill");
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_RSB_VMEXIT_LITE),
		     "pbrsb");
	vmm_spec_add(report, sizeof(report), vmm_spec_untrain_ret_wanted() && VMM_HAVE_UNTRAIN_RET,
		     untrain);
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_IBPB_ON_VMEXIT),
		     "ibpb-on-exit");
#ifdef X86_FEATURE_SRSO_BP_SPEC_REDUCE
	/* BP_CFG[BpSpecReduce] while SVM is on (svm/svm.c; Zen 5). */
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_SRSO_BP_SPEC_REDUCE),
		     "bp-spec-reduce");
#endif
	vmm_spec_add(report, sizeof(report), boot_cpu_has(VMM_FEATURE_IBPB),
		     "ibpb-vcpu-switch");
#ifdef X86_FEATURE_IBPB_EXIT_TO_USER
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_IBPB_EXIT_TO_USER),
		     "ibpb-exit-to-user");
#endif
	if (vmm_ops->l1d_flush_report)
		l1d = vmm_ops->l1d_flush_report();
	vmm_spec_add(report, sizeof(report), l1d, l1d);
	vmm_spec_add(report, sizeof(report), vmm_spec_bhb_clear_wanted(), "bhb-clear");
	vmm_spec_add(report, sizeof(report), vmm_ops->vendor == VMM_VENDOR_INTEL_VMX &&
		     !vmm_spec_bhb_clear_wanted() && vmm_spec_force_bhb_clear,
		     "bhb-clear(forced)");
	vmm_spec_add(report, sizeof(report), boot_cpu_has(X86_FEATURE_CLEAR_BHB_HW),
		     "bhi-dis-s");
	vmm_spec_add(missing, sizeof(missing),
		     vmm_spec_untrain_ret_wanted() && !VMM_HAVE_UNTRAIN_RET, "untrain-ret");
	if (!report[0])
		strscpy(report, "none", sizeof(report));
	if (missing[0]) {
		strlcat(report, "; missing: ", sizeof(report));
		strlcat(report, missing, sizeof(report));
	}
	return report;
}

bool vmm_spec_force_bhb_clear;
module_param_named(force_bhb_clear, vmm_spec_force_bhb_clear, bool, 0444);
MODULE_PARM_DESC(force_bhb_clear,
		 "Clear the branch history after every VMX exit even where the kernel does not ask (testing)");

static int vmm_spec_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vmm_spec_report());
}

static int vmm_spec_param_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;		/* a report, not a knob */
}

static const struct kernel_param_ops vmm_spec_param_ops = {
	.get = vmm_spec_param_get,
	.set = vmm_spec_param_set,
};
module_param_cb(mitigations, &vmm_spec_param_ops, NULL, 0444);
MODULE_PARM_DESC(mitigations, "Transient-execution mitigations on the world switch (read-only)");
