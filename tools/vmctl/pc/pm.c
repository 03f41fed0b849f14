// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI's fixed hardware, the part the FADT points at (the ACPI
 * specification's "ACPI Hardware Specification"): PM1a event (status,
 * enable), PM1a control, and the PM timer.
 *
 * Power off: Linux writes SLP_TYP from the DSDT's \_S5 package with SLP_EN.
 * No event ever sets a status bit, so the SCI is never raised. SCI_EN
 * reads as set: the FADT has no SMI command port, the machine is always in
 * ACPI mode.
 */
#include "pc.h"

#define PM1_STS			0
#define PM1_EN			2
#define PM1_CNT			4
#define PM_TMR			(PC_PM_TIMER_PORT - PC_PM_BASE)

#define PM1_CNT_SCI_EN		BIT(0)
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_EN		BIT(13)
#define PM_SLP_TYP_S5		5	/* the DSDT's \_S5 says so (acpi.c) */

#define PM_TMR_HZ		3579545ULL

static uint32_t pm_timer(void)
{
	uint64_t ns = pc_now_ns();

	/* ns * HZ / 1e9 without overflow for centuries of uptime. */
	return (uint32_t)((ns / 1000000000ULL) * PM_TMR_HZ +
			  (ns % 1000000000ULL) * PM_TMR_HZ / 1000000000ULL) & 0xffffff;
}

bool pm_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	struct pm *pm = &pc->pm;
	unsigned int off = port - PC_PM_BASE;

	if (port < PC_PM_BASE || off >= 12)
		return false;
	if (!is_write) {
		switch (off) {
		case PM1_STS:
			*val = pm->sts;
			break;
		case PM1_EN:
			*val = pm->en;
			break;
		case PM1_CNT:
			*val = pm->cnt | PM1_CNT_SCI_EN;
			break;
		case PM_TMR:
			*val = pm_timer();
			break;
		default:
			*val = 0xffffffff;
			break;
		}
		if (size < 4)
			*val &= (1U << (8 * size)) - 1;
		return true;
	}
	switch (off) {
	case PM1_STS:
		pm->sts &= ~*val;	/* write 1 to clear */
		break;
	case PM1_EN:
		pm->en = *val;
		break;
	case PM1_CNT:
		pm->cnt = *val & ~PM1_CNT_SLP_EN;
		if ((*val & PM1_CNT_SLP_EN) &&
		    ((*val >> PM1_CNT_SLP_TYP_SHIFT) & 7) == PM_SLP_TYP_S5)
			pc->power = PC_POWEROFF;
		break;
	}
	return true;
}
