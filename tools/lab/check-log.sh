#!/bin/bash
# Scan a serial console log for kernel problem reports (oops, BUG, WARNING,
# lockdep, KASAN, UBSAN, kmemleak, RCU, hung tasks, panics).
#
#   check-log.sh LOG [LABEL]
#
# Prints each report as "check-log: LABEL: kernel report at line N:" with
# 5 lines before and 30 after, indented. Exit status 1 if any were found,
# 0 if none, 2 on usage errors. Our own test output is never a report: lines
# starting with "RESULT " and KTAP lines ("# ...", "ok N ...", "not ok N ...",
# "KTAP version", "TAP version", "1..N"), after any printk timestamp and
# indentation, are skipped.
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
log=$1
label=${2:-$(basename "$log")}
[ -r "$log" ] || { echo "check-log: $log: not readable" >&2; exit 2; }

# One awk pass: a match inside the 30-line window of the previous report
# (e.g. the Call Trace after a WARNING) belongs to that report.
LC_ALL=C awk -v label="$label" '
BEGIN {
	# "WARNING:" only as a WARN() ("WARNING: CPU: n PID: n at ...") or at
	# the start of a message (lockdep, RCU): boot messages such as
	# "Speculative Return Stack Overflow: WARNING: See ..." are not reports.
	pat = "Oops|BUG:|^WARNING:|WARNING: CPU:|kernel BUG|general protection fault|Call Trace" \
	      "|possible circular locking|possible recursive locking" \
	      "|inconsistent lock state|INFO: lockdep|suspicious RCU usage" \
	      "|KASAN:|UBSAN:|unreferenced object|suspected memory leak" \
	      "|sleeping function called from invalid context|Kernel panic" \
	      "|watchdog: BUG|hung_task|blocked for more than"
	before = 5; after = 30; found = 0; last_end = 0
}
{
	sub(/\r+$/, "")
	line[NR] = $0
	s = $0
	sub(/^<[0-9]+>/, "", s)                   # syslog level prefix
	sub(/^\[ *[0-9]+\.[0-9]+\]/, "", s)       # printk timestamp
	sub(/^\[ *[CT][0-9]+\]/, "", s)           # printk caller id
	sub(/^[ \t]+/, "", s)
	# "guest| " lines: the console of a nested guest, shown by
	# plans/linux.sh, whose own check (dmesg_clean) judges that log.
	if (s ~ /^guest\| /)
		next
	if (s ~ /^RESULT / || s ~ /^#/ || s ~ /^(not )?ok [0-9]/ ||
	    s ~ /^(K?TAP version|1\.\.[0-9])/)
		next
	if (s ~ pat && NR > last_end) {
		hit[++found] = NR
		last_end = NR + after
	}
}
END {
	for (i = 1; i <= found; i++) {
		n = hit[i]
		printf "check-log: %s: kernel report at line %d:\n", label, n
		lo = n - before; if (lo < 1) lo = 1
		hi = n + after; if (hi > NR) hi = NR
		for (j = lo; j <= hi; j++)
			printf "    %s%s\n", (j == n ? "> " : "  "), line[j]
	}
	exit found ? 1 : 0
}' "$log"
