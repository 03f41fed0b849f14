// SPDX-License-Identifier: GPL-2.0-only
/*
 * stdin as the UART's input: a thread reads it and hands the bytes to the
 * UART, which interrupts the guest. On a terminal stdin is switched to raw
 * mode, so keys reach the guest as typed (Ctrl-C included), and Ctrl-A x
 * ends the run (Ctrl-A Ctrl-A sends one Ctrl-A), as in QEMU. From a pipe or
 * a file every byte goes to the guest unchanged.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pc.h"

#define ESCAPE_KEY		0x01	/* Ctrl-A */
#define ESCAPE_QUIT		'x'

static struct termios saved_termios;
static bool termios_saved;

static void console_restore(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	termios_saved = false;
}

/* Input raw; output untouched, the guest's console sends CR LF itself. */
static void console_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	t = saved_termios;
	t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(IXON | ICRNL | INLCR | IGNCR);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return;
	termios_saved = true;
	atexit(console_restore);
}

/* Blocks while the UART's buffer is full: the guest reads at its pace. */
static void console_deliver(struct pc *pc, const uint8_t *buf, unsigned int len)
{
	unsigned int done = 0;

	pthread_mutex_lock(&pc->lock);
	while (!pc->stopping) {
		done += uart_receive(pc, buf + done, len - done);
		if (done == len)
			break;
		pthread_cond_wait(&pc->wake, &pc->lock);
	}
	pthread_mutex_unlock(&pc->lock);
}

/* The escape: the run ends as on SIGINT, which the vCPU thread handles. */
static unsigned int console_filter(struct pc *pc, uint8_t *buf, unsigned int len)
{
	unsigned int i, n = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (pc->escape) {
			pc->escape = false;
			if (c == ESCAPE_QUIT) {
				fprintf(stderr, "\r\n%s: Ctrl-A x\r\n", progname);
				kill(getpid(), SIGINT);
				return n;
			}
			if (c != ESCAPE_KEY)
				buf[n++] = ESCAPE_KEY;
		} else if (c == ESCAPE_KEY) {
			pc->escape = true;
			continue;
		}
		buf[n++] = c;
	}
	return n;
}

static void *console_thread(void *arg)
{
	struct pc *pc = arg;
	struct pollfd p[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = pc->stop_pipe[0], .events = POLLIN },
	};
	uint8_t buf[256];
	ssize_t n;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;		/* the end of the input: nothing more comes */
		if (termios_saved)
			n = console_filter(pc, buf, n);
		console_deliver(pc, buf, n);
	}
	return NULL;
}

int console_start(struct pc *pc)
{
	if (pipe(pc->stop_pipe)) {
		warn_errno("pipe");
		return -1;
	}
	console_raw();
	if (pc_start_thread(&pc->input_thread, console_thread, pc))
		return -1;
	pc->input_started = true;
	return 0;
}

void console_stop(struct pc *pc)
{
	if (pc->input_started) {
		if (write(pc->stop_pipe[1], "", 1) < 0)
			warn_errno("write stop pipe");
		pthread_join(pc->input_thread, NULL);
		pc->input_started = false;
	}
	if (pc->stop_pipe[0] >= 0) {
		close(pc->stop_pipe[0]);
		close(pc->stop_pipe[1]);
	}
	console_restore();
}
