// SPDX-License-Identifier: GPL-2.0-only
/*
 * An empty PCI bus behind configuration mechanism #1 (0xcf8 address,
 * 0xcfc-0xcff data): only the host bridge at 00:00.0, so that Linux's
 * probe (it looks for a host bridge or a known vendor on bus 0) finds a
 * bus, and reads of every absent function return all-ones, which is how
 * software learns nothing is there.
 */
#include "pc.h"

#define PCI_ADDRESS		0xcf8
#define PCI_DATA		0xcfc
#define PCI_ENABLE		BIT(31)

/* Intel's 440FX host bridge IDs, a bridge every OS knows needs nothing. */
#define HOST_VENDOR		0x8086
#define HOST_DEVICE		0x1237
#define HOST_CLASS		0x060000	/* bridge, host */

static uint32_t host_bridge_read(struct pci *pci, unsigned int reg)
{
	switch (reg) {
	case 0x00:
		return HOST_DEVICE << 16 | HOST_VENDOR;
	case 0x04:
		return pci->host_command;	/* status 0 */
	case 0x08:
		return HOST_CLASS << 8 | 0x02;	/* revision 2 */
	default:
		return 0;		/* no BARs, no capabilities */
	}
}

bool pci_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	struct pci *pci = &pc->pci;
	unsigned int off = port & 3, bus, devfn, reg;
	uint32_t v;

	if (port == PCI_ADDRESS && size == 4) {
		if (is_write)
			pci->address = *val & 0x80fffffc;
		else
			*val = pci->address;
		return true;
	}
	if (port < PCI_DATA || port > PCI_DATA + 3)
		return false;
	bus = (pci->address >> 16) & 0xff;
	devfn = (pci->address >> 8) & 0xff;
	reg = pci->address & 0xfc;
	if (!(pci->address & PCI_ENABLE) || bus || devfn) {
		if (!is_write)
			*val = 0xffffffff >> (32 - 8 * size);
		return true;
	}
	if (is_write) {
		/* The command register is the only writable one. */
		if (reg == 0x04 && off < 2)
			pci->host_command = (*val << (8 * off)) & 0x0146;
		return true;
	}
	v = host_bridge_read(pci, reg) >> (8 * off);
	*val = size == 4 ? v : v & ((1U << (8 * size)) - 1);
	return true;
}
