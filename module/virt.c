// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning the virtualization extension on and off.
 *
 * VMX or SVM is on, on every online CPU, exactly while at least one reference
 * is held (one per VM). Holding it only then keeps vmm from sitting on the
 * hardware when it has nothing to run, which lets kvm.ko (which does the same
 * on 6.1) take it in between, and keeps VMX's blocking of INIT out of the way
 * of reboots while no VM exists.
 *
 * CPUs that come online while references are held are turned on by a hotplug
 * callback (and refuse to come online if that fails); CPUs going offline are
 * turned off. An orderly reboot or kexec turns the extension off everywhere
 * and refuses new references from then on.
 *
 * Lock order: the CPU hotplug lock, then vmm_virt_lock (the hotplug callbacks
 * run with the former held).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>

#include "vmm.h"

static DEFINE_MUTEX(vmm_virt_lock);
static unsigned int vmm_virt_count;		/* under vmm_virt_lock */
/* Written under vmm_virt_lock; read anywhere, see vmm_virt_insn_fault(). */
bool vmm_virt_rebooting __read_mostly;
static DEFINE_PER_CPU(bool, vmm_virt_on);	/* vmm turned it on here */
static enum cpuhp_state vmm_cpuhp_state;

/* The first failure of an all-CPU enable, for one precise log line. */
struct virt_enable_result {
	atomic_t failed_cpu;	/* -1: none */
	int err;
};

static void virt_cpu_enable(void *data)
{
	struct virt_enable_result *res = data;
	int cpu = smp_processor_id();
	int ret;

	if (__this_cpu_read(vmm_virt_on))
		return;
	ret = vmm_ops->cpu_enable();
	if (ret) {
		if (atomic_cmpxchg(&res->failed_cpu, -1, cpu) == -1)
			res->err = ret;
		return;
	}
	__this_cpu_write(vmm_virt_on, true);
}

static void virt_cpu_disable(void *unused)
{
	if (!__this_cpu_read(vmm_virt_on))
		return;
	vmm_ops->cpu_disable();
	__this_cpu_write(vmm_virt_on, false);
}

static void virt_report_failure(const struct virt_enable_result *res)
{
	int cpu = atomic_read(&res->failed_cpu);

	if (res->err == -EBUSY)
		pr_warn_ratelimited("%s is already enabled on CPU %d: another hypervisor holds it; %s\n",
				    vmm_ops->name, cpu, vmm_ops->busy_hint);
	else
		pr_err_ratelimited("enabling %s failed on CPU %d (%d)\n",
				   vmm_ops->name, cpu, res->err);
}

/**
 * vmm_virt_get() - make sure the extension is enabled on every online CPU
 *
 * Return: 0, -EBUSY if another hypervisor holds the hardware on some CPU,
 * -ESHUTDOWN once a reboot has begun, or the backend's error.
 */
int vmm_virt_get(void)
{
	struct virt_enable_result res = { .failed_cpu = ATOMIC_INIT(-1) };
	int ret = 0;

	cpus_read_lock();
	mutex_lock(&vmm_virt_lock);
	if (vmm_virt_rebooting) {
		ret = -ESHUTDOWN;
		goto out;
	}
	if (!vmm_virt_count) {
		on_each_cpu(virt_cpu_enable, &res, 1);
		if (atomic_read(&res.failed_cpu) >= 0) {
			on_each_cpu(virt_cpu_disable, NULL, 1);
			virt_report_failure(&res);
			ret = res.err;
			goto out;
		}
	}
	vmm_virt_count++;
out:
	mutex_unlock(&vmm_virt_lock);
	cpus_read_unlock();
	return ret;
}

void vmm_virt_put(void)
{
	cpus_read_lock();
	mutex_lock(&vmm_virt_lock);
	if (!WARN_ON_ONCE(!vmm_virt_count) && !--vmm_virt_count)
		on_each_cpu(virt_cpu_disable, NULL, 1);
	mutex_unlock(&vmm_virt_lock);
	cpus_read_unlock();
}

unsigned int vmm_virt_users(void)
{
	return READ_ONCE(vmm_virt_count);
}

bool vmm_virt_cpu_on(unsigned int cpu)
{
	return per_cpu(vmm_virt_on, cpu);
}

/* Hotplug: runs on @cpu itself, with the hotplug lock held. */
static int vmm_cpu_online(unsigned int cpu)
{
	struct virt_enable_result res = { .failed_cpu = ATOMIC_INIT(-1) };

	mutex_lock(&vmm_virt_lock);
	if (vmm_virt_count && !vmm_virt_rebooting) {
		local_irq_disable();
		virt_cpu_enable(&res);
		local_irq_enable();
	}
	mutex_unlock(&vmm_virt_lock);
	/* A CPU that cannot run our VMs does not come online while they exist. */
	if (atomic_read(&res.failed_cpu) >= 0) {
		virt_report_failure(&res);
		return res.err;
	}
	return 0;
}

static int vmm_cpu_offline(unsigned int cpu)
{
	mutex_lock(&vmm_virt_lock);
	local_irq_disable();
	virt_cpu_disable(NULL);
	local_irq_enable();
	mutex_unlock(&vmm_virt_lock);
	return 0;
}

/**
 * vmm_virt_insn_fault() - a VMX or SVM instruction faulted
 * @insn: its name
 *
 * They fault (#UD) only when the extension is off on this CPU. A reboot
 * turns it off by IPI, so vCPU threads still between two entries with
 * interrupts on run into that: expected then, and their next entry stops
 * (vmm_vcpu_run()). At any other time it is vmm's bug: say so once.
 */
void vmm_virt_insn_fault(const char *insn)
{
	WARN_ONCE(!READ_ONCE(vmm_virt_rebooting), "vmm: %s faulted with %s on\n",
		  insn, vmm_ops->name);
}

/*
 * VMX blocks INIT, which the next kernel needs to start the other CPUs after
 * a kexec, and firmware may need after a reboot: turn it off on every CPU.
 * vCPU threads may be anywhere meanwhile: they test the flag with
 * interrupts off before each entry, which the IPIs below cannot overtake,
 * and every VMX/SVM instruction has an exception fixup for the code that
 * runs with interrupts on.
 */
static int vmm_reboot_notify(struct notifier_block *nb, unsigned long action,
			     void *unused)
{
	mutex_lock(&vmm_virt_lock);
	WRITE_ONCE(vmm_virt_rebooting, true);
	if (vmm_virt_count) {
		on_each_cpu(virt_cpu_disable, NULL, 1);
		pr_info("reboot: %s off on all CPUs (%u VMs left)\n",
			vmm_ops->name, vmm_virt_count);
	}
	mutex_unlock(&vmm_virt_lock);
	return NOTIFY_OK;
}

static struct notifier_block vmm_reboot_nb = {
	.notifier_call = vmm_reboot_notify,
};

int vmm_virt_init(void)
{
	int ret;

	/* _nocalls: no references exist yet, so nothing is to be turned on. */
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmm:online",
					vmm_cpu_online, vmm_cpu_offline);
	if (ret < 0)
		return ret;
	vmm_cpuhp_state = ret;

	ret = register_reboot_notifier(&vmm_reboot_nb);
	if (ret)
		goto err_cpuhp;
	return 0;

err_cpuhp:
	cpuhp_remove_state_nocalls(vmm_cpuhp_state);
	return ret;
}

void vmm_virt_exit(void)
{
	/* The module cannot go while a VM (and so a reference) exists. */
	WARN_ON_ONCE(vmm_virt_count);
	unregister_reboot_notifier(&vmm_reboot_nb);
	cpuhp_remove_state_nocalls(vmm_cpuhp_state);
}
