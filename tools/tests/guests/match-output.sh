#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# match-output.sh EXPECTED ACTUAL: does a guest's serial output (ACTUAL)
# match EXPECTED, by the rules in GUESTS? Exit 0 if so; else prints each
# mismatch and exits 1. POSIX sh and awk (busybox is enough).
[ $# -eq 2 ] || { echo "usage: match-output.sh EXPECTED ACTUAL" >&2; exit 2; }
[ -r "$1" ] && [ -r "$2" ] || { echo "match-output.sh: cannot read $1 or $2" >&2; exit 2; }

status=0
if [ -s "$2" ] && [ -n "$(tail -c 1 "$2")" ]; then
	echo "last line not ended by a newline"
	status=1
fi
awk '
FILENAME == ARGV[1] { want[++n] = $0; next }
{ got[++m] = $0 }
END {
	bad = 0
	for (i = 1; i <= n || i <= m; i++) {
		if (i > m) { printf "line %d missing: %s\n", i, want[i]; bad = 1; continue }
		if (i > n) { printf "line %d extra: %s\n", i, got[i]; bad = 1; continue }
		w = want[i]
		if (substr(w, 1, 1) == "~") {
			w = substr(w, 2)
			c = index(w, ":")
			if (c) w = substr(w, 1, c)
			ok = substr(got[i], 1, length(w)) == w
		} else {
			ok = got[i] == w
		}
		if (!ok) { printf "line %d: expected \"%s\"\n         got \"%s\"\n", i, want[i], got[i]; bad = 1 }
	}
	exit bad
}' "$1" "$2" || status=1
exit $status
