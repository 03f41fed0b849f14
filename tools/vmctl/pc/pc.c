// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC's lifetime and where exits go: each device answers its own ports
 * (a table, first match wins) or its MMIO window; the run loop only sees
 * "handled" or not, and falls back to the test devices (devices.c).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "pc.h"

uint64_t pc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Device threads leave the stop signals to the vCPU thread. */
int pc_start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		warn_errno("pthread_create");
		return -1;
	}
	return 0;
}

/*
 * The condition variable waits on CLOCK_MONOTONIC, so that the PIT's
 * deadlines (pc_now_ns) are not moved by changes of the wall clock.
 */
int pc_init(struct pc *pc, const struct vmctl_backend_ops *ops, struct vmctl_vm *vm,
	    uint64_t ram_size)
{
	pthread_condattr_t ca;

	memset(pc, 0, sizeof(*pc));
	pc->ops = ops;
	pc->vm = vm;
	pc->ram_size = ram_size;
	pc->stop_pipe[0] = -1;
	pc->stop_pipe[1] = -1;
	pthread_mutex_init(&pc->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pc->wake, &ca);
	pthread_condattr_destroy(&ca);
	ioapic_reset(&pc->ioapic);
	rtc_reset(&pc->rtc);
	uart_reset(&pc->uart);
	/* As firmware leaves them: every 8259 input masked. */
	pc->pic[0].imr = 0xff;
	pc->pic[1].imr = 0xff;
	/* SCI enabled from the start: the FADT has no SMI command port. */
	pc->pm.cnt = 1;
	if (ops->create_irqchip(vm, PC_IOAPIC_PINS))
		return -1;
	/* Where the hypervisor can, it answers the PM timer (pm.c) itself. */
	if (ops->set_pm_timer && ops->set_pm_timer(vm, PC_PM_TIMER_PORT))
		warn_errno("set_pm_timer (vmctl answers the PM timer)");
	return 0;
}

int pc_start(struct pc *pc)
{
	if (pit_start(pc))
		return -1;
	return console_start(pc);
}

void pc_destroy(struct pc *pc)
{
	pthread_mutex_lock(&pc->lock);
	pc->stopping = true;
	pthread_cond_broadcast(&pc->wake);
	pthread_mutex_unlock(&pc->lock);
	console_stop(pc);
	pit_stop(pc);
	pthread_cond_destroy(&pc->wake);
	pthread_mutex_destroy(&pc->lock);
}

/*
 * An ISA interrupt line: to the I/O APIC (IRQ 0 on pin 2, the others on
 * their own number, as the MADT says). The 8259s see it too on real
 * hardware, but ours stay masked and never deliver: Linux runs the
 * I/O APIC and masks them (see pic.c).
 */
void pc_set_isa_irq(struct pc *pc, unsigned int irq, bool level)
{
	ioapic_set_line(pc, irq == PC_IRQ_PIT ? PC_GSI_PIT : irq, level);
}

static bool (*const io_handlers[])(struct pc *pc, uint16_t port, unsigned int size,
				   bool is_write, uint32_t *val) = {
	uart_io, pit_io, rtc_io, pic_io, reset_io, pci_io, pm_io,
};

bool pc_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	unsigned int i;
	bool done = false;

	pthread_mutex_lock(&pc->lock);
	for (i = 0; i < ARRAY_SIZE(io_handlers) && !done; i++)
		done = io_handlers[i](pc, port, size, is_write, val);
	pthread_mutex_unlock(&pc->lock);
	return done;
}

bool pc_mmio(struct pc *pc, uint64_t gpa, unsigned int len, bool is_write, uint8_t *data)
{
	if (gpa < PC_IOAPIC_BASE || gpa - PC_IOAPIC_BASE >= PC_IOAPIC_SIZE)
		return false;
	pthread_mutex_lock(&pc->lock);
	ioapic_mmio(pc, gpa - PC_IOAPIC_BASE, len, is_write, data);
	pthread_mutex_unlock(&pc->lock);
	return true;
}

void pc_eoi(struct pc *pc, uint8_t vector)
{
	pthread_mutex_lock(&pc->lock);
	ioapic_eoi(pc, vector);
	pthread_mutex_unlock(&pc->lock);
}
