// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-boot: times a guest's boot from userspace, for make bench
 * (Documentation/bench.rst): from just before the command starts to the
 * first line of its output that begins with MARKER, with the TSC (LFENCE;
 * RDTSC; in the lab's emulators it follows the instruction count). The
 * command is vmctl booting Linux, whose /init prints the marker just
 * before it starts a shell on the console. From then on, whenever the
 * console has been quiet for a second, "poweroff" is typed into it, as a
 * user would (again if a line typed while the shell was still setting up
 * its terminal was lost), at most TYPE_TRIES times; the command is waited
 * for, so that the next sample starts from a quiet machine.
 *
 *   bench-boot MARKER FILE COMMAND [ARGS...]
 *
 * Appends the sample, a decimal number of ticks, to FILE. The command's
 * output is copied to stdout. Status 1 if the marker never came or the
 * command failed (its status is printed); 2 for bad usage. Should
 * bench-boot be killed, so is the command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *progname = "bench-boot";

#define TYPE_TRIES	30

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/*
 * Does the output so far have a line starting with MARKER? LINE holds the
 * start of the current line (up to its size); *len how much of it.
 */
static bool scan(const char *buf, size_t n, const char *marker, char *line,
		 size_t size, size_t *len)
{
	size_t mlen = strlen(marker);
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			*len = 0;
			continue;
		}
		if (*len < size)
			line[*len] = buf[i];
		(*len)++;
		if (*len == mlen && !memcmp(line, marker, mlen))
			found = true;
	}
	return found;
}

int main(int argc, char **argv)
{
	char buf[4096], line[128];
	uint64_t start, end = 0;
	int out[2], in[2], status, typed = 0;
	struct pollfd pfd;
	size_t len = 0;
	FILE *samples;
	ssize_t n;
	pid_t pid;

	if (argc < 4 || strlen(argv[1]) >= sizeof(line)) {
		fprintf(stderr, "usage: %s MARKER FILE COMMAND [ARGS...]\n", progname);
		return 2;
	}
	if (pipe(out) || pipe(in)) {
		perror("pipe");
		return 1;
	}
	/* The output as it comes: a killed bench-boot leaves what was seen. */
	setvbuf(stdout, NULL, _IONBF, 0);
	start = tsc();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "%s: %s: %s\n", progname, argv[3], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	pfd.fd = out[0];
	pfd.events = POLLIN;
	for (;;) {
		n = poll(&pfd, 1, 1000);
		if (n < 0 && errno != EINTR) {
			perror("poll");
			break;
		}
		if (n == 0 && end) {
			/* Quiet for a second after the marker: type. */
			if (typed++ == TYPE_TRIES) {
				fprintf(stderr, "%s: typed poweroff %d times, no end\n",
					progname, TYPE_TRIES);
				kill(pid, SIGKILL);
				break;
			}
			if (write(in[1], "poweroff\n", 9) != 9)
				perror("write");
			continue;
		}
		if (n <= 0)
			continue;
		n = read(out[0], buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("read");
			break;
		}
		if (!end && scan(buf, n, argv[1], line, sizeof(line), &len))
			end = tsc();
		fwrite(buf, 1, n, stdout);
	}
	close(in[1]);
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (!end) {
		fprintf(stderr, "%s: no line began with '%s'\n", progname, argv[1]);
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "%s: %s ended with status %d\n", progname, argv[3],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return 1;
	}
	samples = fopen(argv[2], "a");
	if (!samples || fprintf(samples, "%llu\n", (unsigned long long)(end - start)) < 0 ||
	    fclose(samples)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
