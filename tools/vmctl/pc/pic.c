// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8259A pair, present but masked: Linux probes for it (it writes the
 * mask register and reads it back), initialises it with the ICW sequence
 * and then masks it, because it routes every interrupt through the I/O
 * APIC (the MADT's PCAT_COMPAT flag says both exist). So the pair keeps its
 * registers and never raises an interrupt; there is no ExtINT path.
 * Also the ELCR pair (0x4d0/0x4d1) that says which ISA IRQs are level.
 */
#include "pc.h"

#define PIC_MASTER		0x20
#define PIC_SLAVE		0xa0
#define ELCR_BASE		0x4d0

#define ICW1_INIT		BIT(4)
#define ICW1_ICW4		BIT(0)
#define OCW3_SELECT		BIT(3)
#define OCW3_READ_REG		BIT(1)
#define OCW3_READ_ISR		BIT(0)

static void pic_write(struct pic8259 *p, unsigned int a0, uint8_t v)
{
	if (!a0) {
		if (v & ICW1_INIT) {
			/* ICW1 starts the sequence; the mask is cleared. */
			p->imr = 0;
			p->icw_step = 2;
			p->icw4_wanted = v & ICW1_ICW4;
		} else if (v & OCW3_SELECT) {
			if (v & OCW3_READ_REG)
				p->read_isr = v & OCW3_READ_ISR;
		}
		/* OCW2 (EOI commands): nothing is ever in service. */
		return;
	}
	switch (p->icw_step) {
	case 2:		/* ICW2: the vector base, unused without delivery */
		p->icw_step = 3;
		break;
	case 3:		/* ICW3: the cascade wiring */
		p->icw_step = p->icw4_wanted ? 4 : 0;
		break;
	case 4:		/* ICW4: 8086 mode, EOI mode */
		p->icw_step = 0;
		break;
	default:	/* OCW1: the mask */
		p->imr = v;
		break;
	}
}

bool pic_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	struct pic8259 *p;
	unsigned int a0;

	if (size != 1)
		return false;
	if (port == ELCR_BASE || port == ELCR_BASE + 1) {
		if (is_write)
			pc->elcr[port - ELCR_BASE] = *val;
		else
			*val = pc->elcr[port - ELCR_BASE];
		return true;
	}
	if ((port & ~1) == PIC_MASTER)
		p = &pc->pic[0];
	else if ((port & ~1) == PIC_SLAVE)
		p = &pc->pic[1];
	else
		return false;
	a0 = port & 1;
	if (is_write)
		pic_write(p, a0, *val);
	else
		*val = a0 ? p->imr : 0;	/* IRR and ISR: nothing pending */
	return true;
}
