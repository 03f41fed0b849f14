// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two ways a PC resets itself that Linux uses: the keyboard
 * controller's pulse of the reset line (command 0xfe to port 0x64) and the
 * reset control register at 0xcf9 (the FADT's reset register points there).
 * There is no keyboard: the FADT says no 8042, and Linux then leaves the
 * controller alone except for this line.
 */
#include "pc.h"

#define I8042_DATA		0x60
#define I8042_COMMAND		0x64
#define I8042_CMD_RESET		0xfe
#define RESET_CONTROL		0xcf9
#define RESET_CPU		BIT(2)

bool reset_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	if (size != 1)
		return false;
	switch (port) {
	case I8042_DATA:
		if (!is_write)
			*val = 0;
		return true;
	case I8042_COMMAND:
		/* Status: both buffers empty, so a waiting driver goes on. */
		if (!is_write)
			*val = 0;
		else if (*val == I8042_CMD_RESET)
			pc->power = PC_RESET;
		return true;
	case RESET_CONTROL:
		if (!is_write) {
			*val = pc->reset_control;
			return true;
		}
		pc->reset_control = *val & ~RESET_CPU;
		if (*val & RESET_CPU)
			pc->power = PC_RESET;
		return true;
	}
	return false;
}
