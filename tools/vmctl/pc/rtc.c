// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MC146818 real-time clock and its CMOS RAM (0x70 index, 0x71 data).
 * The time registers always read the host's UTC time, in BCD or binary and
 * 12- or 24-hour format as register B asks; writes to them are ignored (the
 * guest cannot set the host's clock, and keeping an offset is not worth it
 * for guests that set their clock from elsewhere). No update cycle is ever
 * in progress and no interrupt (IRQ 8) is raised: no periodic, alarm or
 * update interrupts.
 */
#include <string.h>
#include <time.h>

#include "pc.h"

#define RTC_INDEX		0x70
#define RTC_DATA		0x71

#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_WEEKDAY		0x06
#define RTC_DAY			0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32	/* the FADT's CENTURY field points here */

#define RTC_A_UIP		BIT(7)
#define RTC_B_24H		BIT(1)
#define RTC_B_BINARY		BIT(2)
#define RTC_D_VRT		BIT(7)	/* the battery is good */

void rtc_reset(struct rtc *rtc)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->ram[RTC_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	rtc->ram[RTC_REG_B] = RTC_B_24H;
	rtc->ram[RTC_REG_D] = RTC_D_VRT;
}

static uint8_t rtc_format(const struct rtc *rtc, unsigned int v)
{
	if (rtc->ram[RTC_REG_B] & RTC_B_BINARY)
		return v;
	return (v / 10) << 4 | v % 10;
}

static uint8_t rtc_hours(const struct rtc *rtc, unsigned int h)
{
	unsigned int h12;

	if (rtc->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_format(rtc, h);
	h12 = h % 12 ? h % 12 : 12;
	return rtc_format(rtc, h12) | (h >= 12 ? 0x80 : 0);
}

static uint8_t rtc_read(struct rtc *rtc, unsigned int reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return rtc_format(rtc, tm.tm_sec);
	case RTC_MINUTES:
		return rtc_format(rtc, tm.tm_min);
	case RTC_HOURS:
		return rtc_hours(rtc, tm.tm_hour);
	case RTC_WEEKDAY:
		return rtc_format(rtc, tm.tm_wday + 1);
	case RTC_DAY:
		return rtc_format(rtc, tm.tm_mday);
	case RTC_MONTH:
		return rtc_format(rtc, tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_format(rtc, tm.tm_year % 100);
	case RTC_CENTURY:
		return rtc_format(rtc, (tm.tm_year + 1900) / 100);
	case RTC_REG_A:
		return rtc->ram[reg] & ~RTC_A_UIP;
	case RTC_REG_C:
		return 0;		/* no interrupt flags */
	default:
		return rtc->ram[reg];
	}
}

static void rtc_write(struct rtc *rtc, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case RTC_REG_A:
	case RTC_REG_B:
		rtc->ram[reg] = v;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;			/* read-only */
	default:
		if (reg > RTC_YEAR && reg != RTC_CENTURY)
			rtc->ram[reg] = v;
		break;
	}
}

bool rtc_io(struct pc *pc, uint16_t port, unsigned int size, bool is_write, uint32_t *val)
{
	struct rtc *rtc = &pc->rtc;

	if ((port != RTC_INDEX && port != RTC_DATA) || size != 1)
		return false;
	if (port == RTC_INDEX) {
		/* Bit 7 is the NMI mask on a PC: kept nowhere, there are none. */
		if (is_write)
			rtc->index = *val & 0x7f;
		else
			*val = 0xff;
		return true;
	}
	if (is_write)
		rtc_write(rtc, rtc->index, *val);
	else
		*val = rtc_read(rtc, rtc->index);
	return true;
}
