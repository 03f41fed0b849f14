# Shared helpers for the lab's test plans (busybox sh, inside the emulated
# machine). Every check prints one line the host counts:
#   RESULT PASS|FAIL|SKIP <suite> <name> [detail]
MODDIR=/lib/vmm-lab
OUT=/tmp/step.out

# A step that takes longer than this is hung: its stacks are dumped and it
# is killed, so a hang is a diagnosable failure, not a machine timeout.
STEP_LIMIT=${STEP_LIMIT:-300}

dump_stacks() {
	echo "--- stacks of the plan's processes ---"
	# Every user process (kernel threads have an empty command line): a
	# list of names would miss the next test program, as it missed irq_test.
	for d in /proc/[0-9]*; do
		cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
		[ -n "$cmd" ] || continue
		echo "pid ${d#/proc/} $(cat "$d/comm" 2>/dev/null) $(cut -d' ' -f3 "$d/stat" 2>/dev/null): $cmd"
		for t in "$d"/task/*; do
			echo "  task ${t##*/} $(cut -d' ' -f3 "$t/stat" 2>/dev/null)"
			cat "$t/stack" 2>/dev/null
		done
	done
	echo 1 >/proc/sys/kernel/sysrq
	echo l >/proc/sysrq-trigger	# backtrace of every CPU
	echo w >/proc/sysrq-trigger	# blocked tasks
}

# step_note LINE: a STEP line on the results UART (the console without
# one), where the host uses it to follow progress and to name the step a
# stopped machine was in (check.sh counts only RESULT lines). Not both, and
# the line cut to 100 characters: in Bochs every byte on a UART costs
# wall time (Documentation/lab.rst).
step_note() {
	if [ -n "${VMM_RESULTS:-}" ]; then
		printf '%.100s\n' "$1" >&3
	else
		printf '%.100s\n' "$1"
	fi
}

# run_limited CMD...: runs CMD (a command or a function) with output in $OUT,
# under the STEP_LIMIT watchdog; returns its status. A STEP line before and
# after, with the uptime (emulated time: in Bochs and in QEMU with -icount it
# follows the instructions executed, not the host's clock), shows each
# step's emulated duration. No forks for them: in Bochs each costs time.
run_limited() {
	read -r t0 _ </proc/uptime
	step_note "STEP start t=$t0 $*"
	"$@" >"$OUT" 2>&1 &
	step=$!
	(
		sleep "$STEP_LIMIT"
		if kill -0 "$step" 2>/dev/null; then
			read -r t _ </proc/uptime
			echo "STEP HUNG after ${STEP_LIMIT}s t=$t: $*"
			step_note "STEP HUNG after ${STEP_LIMIT}s t=$t: $*"
			dump_stacks
			kill -9 "$step"
		fi
	) >/dev/console 2>&1 &
	watchdog=$!
	wait "$step"
	rc=$?
	kill "$watchdog" 2>/dev/null
	read -r t1 _ </proc/uptime
	step_note "STEP end t=$t1 start=$t0 rc=$rc $*"
	return $rc
}

# emit LINE: on the console for people, and whole on the results UART for
# the host (on the console, kernel messages may split it). In Bochs, where
# every byte on a UART costs wall time (Documentation/lab.rst), passes and
# skips go to the results UART only: check.sh reads them there, and a
# failure still shows on the console beside the kernel's messages.
emit() {
	if [ -n "${VMM_RESULTS:-}" ]; then
		echo "$1" >&3
		case ${VMM_LAB_EMULATOR:-}:$1 in
		"bochs:RESULT PASS "* | "bochs:RESULT SKIP "*) return ;;
		esac
	fi
	echo "$1"
}

result() {
	emit "RESULT $1 $2 $3${4:+ $4}"
}

# check SUITE NAME CMD...: PASS if CMD succeeds; on failure show its output.
check() {
	suite=$1 name=$2
	shift 2
	if run_limited "$@"; then
		result PASS "$suite" "$name"
	else
		result FAIL "$suite" "$name" "exit $?: $(tail -n 3 "$OUT" | tr '\n' ' ')"
	fi
}

# check_fails SUITE NAME PATTERN CMD...: CMD must fail and print PATTERN.
check_fails() {
	suite=$1 name=$2 pattern=$3
	shift 3
	if run_limited "$@"; then
		result FAIL "$suite" "$name" "succeeded, expected failure ($pattern)"
	elif grep -q -- "$pattern" "$OUT"; then
		result PASS "$suite" "$name"
	else
		result FAIL "$suite" "$name" "wanted '$pattern': $(tail -n 3 "$OUT" | tr '\n' ' ')"
	fi
}

# check_dmesg SUITE NAME PATTERN: the kernel log has a line with PATTERN.
check_dmesg() {
	if dmesg | grep -q -- "$3"; then
		result PASS "$1" "$2"
	else
		result FAIL "$1" "$2" "no kernel log line matching '$3'"
	fi
}

# The module's own kernel log lines, without the kernel's notes about it.
own_log_lines() {
	dmesg | sed -n 's/^\(\[[^]]*\] \)\{0,1\}vmm: //p' |
		grep -v -e "taints kernel" -e "module verification failed"
}

# The first vendor extension /proc/cpuinfo shows: vmx, svm or none.
cpu_vendor_ext() {
	if grep -qw vmx /proc/cpuinfo; then echo vmx
	elif grep -qw svm /proc/cpuinfo; then echo svm
	else echo none
	fi
}

kvm_vendor_module() {
	case $(cpu_vendor_ext) in
	vmx) echo kvm-intel ;;
	svm) echo kvm-amd ;;
	esac
}

# Loads kvm and its vendor module, with their dependencies, in order;
# arguments go to kvm.ko itself (e.g. enable_virt_at_load=0).
load_kvm() {
	deps=irqbypass
	[ "$(cpu_vendor_ext)" = svm ] && deps="$deps ccp"
	for m in $deps kvm $(kvm_vendor_module); do
		[ -f "$MODDIR/$m.ko" ] || continue
		is_loaded "$(echo "$m" | tr - _)" && continue
		if [ "$m" = kvm ]; then
			insmod "$MODDIR/$m.ko" "$@" || return 1
		else
			insmod "$MODDIR/$m.ko" || return 1
		fi
	done
}

unload_kvm() {
	for m in kvm_intel kvm_amd kvm; do
		grep -q "^$m " /proc/modules && { rmmod "$m" || return 1; }
	done
	return 0
}

is_loaded() {
	grep -q "^$1 " /proc/modules
}

# Does this kernel's kvm turn VMX/SVM on at load (6.12+)?
kvm_enables_at_load() {
	grep -q enable_virt_at_load "$MODDIR/kvm.ko"
}

# KUnit results from debugfs, one RESULT line per test case.
kunit_results() {
	found=0
	for f in /sys/kernel/debug/kunit/*/results; do
		[ -f "$f" ] || continue
		suite=$(basename "$(dirname "$f")")
		case $suite in vmm_*) ;; *) continue ;; esac
		found=1
		# Test case lines are indented: "    ok 1 name [# SKIP why]".
		awk -v suite="$suite" '
			/^[ \t]+(not )?ok [0-9]+ / {
				st = ($1 == "not") ? "FAIL" : "PASS"
				name = ($1 == "not") ? $4 : $3
				if ($0 ~ /# SKIP/) { st = "SKIP"; sub(/.*# SKIP */, "") ; why = $0 } else why = ""
				print "RESULT " st " kunit " suite "." name (why != "" ? " " why : "")
			}' "$f" | while IFS= read -r line; do emit "$line"; done
	done
	[ $found = 1 ] || result FAIL kunit suites "no vmm_* suites in /sys/kernel/debug/kunit"
}

# kvm_hold_start SUITE / kvm_hold_stop: one kvm VM with a vCPU held across
# the kvm guests, so that their VMs do not each flip kvm's first-VM static keys
# (code patched with INT3 while the other CPU runs it: the lab's machines
# were seen hanging there; isolation_test.c, Documentation/lab.rst). A
# FIFO, not a sleep, says when the VM exists.
KVM_HOLD= KVM_HOLD_JOB=
kvm_hold_start() {
	suite=$1
	rm -f /tmp/kvm-hold /tmp/kvm-hold.pid
	mkfifo /tmp/kvm-hold
	# The subshell says "failed" if the holder ends before it could.
	(isolation_test --kvm kvm_hold /tmp/kvm-hold >/dev/null 2>&1 &
	 echo $! >/tmp/kvm-hold.pid
	 wait
	 echo failed >/tmp/kvm-hold) &
	KVM_HOLD_JOB=$!
	held=
	for try in 1 2 3; do
		read -r held </tmp/kvm-hold 2>/dev/null && break
	done
	KVM_HOLD=$(cat /tmp/kvm-hold.pid)
	check "$suite" kvm_hold test "$held" = ok
}

# The FIFO goes first, so that the subshell's last word lands in a file.
kvm_hold_stop() {
	[ -n "$KVM_HOLD_JOB" ] || return 0
	rm -f /tmp/kvm-hold
	kill "$KVM_HOLD" 2>/dev/null
	wait "$KVM_HOLD_JOB"
	KVM_HOLD= KVM_HOLD_JOB=
}
