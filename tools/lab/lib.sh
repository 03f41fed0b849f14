# Host-side helpers shared by check.sh, demo.sh and shell.sh (bash).
# shellcheck shell=bash
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$LAB/../.." && pwd)
BUILD=${VMM_BUILD:-$TOP/build}

log() { echo "lab: $*" >&2; }

# Debian's stock kernel: the newest /boot/vmlinuz-*-amd64 (linux-image-amd64).
stock_version() {
	local v
	v=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
	[ -n "$v" ] || { log "no Debian kernel in /boot (linux-image-amd64)"; return 1; }
	echo "$v"
}

# kernel_info NAME: sets KVER_BZIMAGE, KVER_KDIR, KVER_MODDIR for
# NAME = stock | 6.12 | 7.2 | 6.12-lite | 7.2-lite (the lab kernels are built
# or reused from cache; -lite: without KASAN and kmemleak, for Bochs).
kernel_info() {
	local tree v
	case $1 in
	stock)
		v=$(stock_version) || return 1
		KVER_BZIMAGE=/boot/vmlinuz-$v
		KVER_KDIR=/usr/src/linux-headers-$v
		KVER_MODDIR=/lib/modules/$v/kernel ;;
	6.12|7.2|6.12-lite|7.2-lite)
		tree=$("$LAB/build-kernel.sh" "$1" full | tail -n 1) || return 1
		KVER_BZIMAGE=$tree/arch/x86/boot/bzImage
		KVER_KDIR=$tree
		KVER_MODDIR=$(echo "$tree"/_modules/lib/modules/*/kernel) ;;
	*) log "unknown kernel $1"; return 1 ;;
	esac
}

# build_module NAME [make args]: builds vmm.ko for kernel NAME in its own
# copy of the sources (out-of-tree builds write next to the sources), W=1.
# Leaves the build output in $BUILD/NAME/build.log, the module in
# $BUILD/NAME/src/vmm.ko.
build_module() {
	local name=$1 dir=$BUILD/$1
	shift
	kernel_info "$name" || return 1
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	cp -r "$TOP/Kbuild" "$TOP/module" "$TOP/uapi" "$dir/src/"
	make -C "$KVER_KDIR" M="$dir/src" W=1 "$@" modules >"$dir/build.log" 2>&1
}

# Userspace programs that run inside the machines: static, no libc there.
build_userspace() {
	local t
	mkdir -p "$BUILD/bin"
	# Built here, not through the Makefile's tools/vmctl/vmctl, which may be
	# a dynamic build that make considers up to date.
	cc -O2 -static -pthread -Wall -Wextra -Werror -std=gnu11 -I"$TOP" \
		-o "$BUILD/bin/vmctl" "$TOP"/tools/vmctl/*.c "$TOP"/tools/vmctl/pc/*.c &&
		make -s -C "$TOP/tools/tests/guests" O="$BUILD/guests" >&2 &&
		make -s -C "$TOP/tools/bench" O="$BUILD/bench-bin" >&2 &&
		for t in abi_test run_test stress_test fpu_check isolation_test events_test \
			 tsc_test irq_test; do
			cc -O2 -static -pthread -Wall -Wextra -Werror -I"$TOP" \
				-o "$BUILD/bin/$t" "$TOP/tools/tests/$t.c" || return 1
		done
}

# linux_guest_files [KERNEL]: the nested Linux guest of plans/linux.sh, as
# make_initramfs arguments: KERNEL's bzImage (default stock, Debian's) and
# the guest's /init.
linux_guest_files() {
	local img
	img=$(kernel_info "${1:-stock}" >&2 && echo "$KVER_BZIMAGE") || return 1
	echo -f "$img:/lib/vmm-lab/linux/vmlinuz" \
		-f "$LAB/plans/linux-guest-init.sh:/lib/vmm-lab/linux/init" \
		-f "$LAB/plans/linux-lib.sh:/lib/vmm-lab/linux/lib.sh"
}

# make_initramfs NAME PLAN OUT [initramfs.sh args]: vmm.ko for NAME, kvm.ko
# and friends from that kernel, vmctl and the tests, and PLAN as the plan.
make_initramfs() {
	local name=$1 plan=$2 out=$3 m f args=()
	shift 3
	kernel_info "$name" || return 1
	for m in virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-intel \
		 arch/x86/kvm/kvm-amd drivers/crypto/ccp/ccp; do
		for f in "$KVER_MODDIR/$m".ko*; do
			[ -e "$f" ] && args+=(-m "$f")
		done
	done
	args+=(-m "$BUILD/$name/src/vmm.ko")
	args+=(-f "$BUILD/bin/vmctl:/bin/vmctl" -f "$BUILD/bin/abi_test:/bin/abi_test")
	args+=(-f "$BUILD/bin/run_test:/bin/run_test" -f "$BUILD/bin/stress_test:/bin/stress_test")
	args+=(-f "$BUILD/bin/fpu_check:/bin/fpu_check")
	args+=(-f "$BUILD/bin/isolation_test:/bin/isolation_test")
	args+=(-f "$BUILD/bin/events_test:/bin/events_test")
	args+=(-f "$BUILD/bin/tsc_test:/bin/tsc_test")
	args+=(-f "$BUILD/bin/irq_test:/bin/irq_test")
	args+=(-f "$LAB/plans/lib.sh:/lib/vmm-lab/lib.sh")
	# The test guests, their list and expected output (tools/tests/guests).
	local g
	for g in "$BUILD"/guests/*.bin "$BUILD"/guests/*.elf "$BUILD"/guests/GUESTS; do
		[ -f "$g" ] && args+=(-f "$g:/lib/vmm-lab/guests/")
	done
	for g in "$BUILD"/guests/expected/*; do
		[ -f "$g" ] && args+=(-f "$g:/lib/vmm-lab/guests/expected/")
	done
	args+=(-f "$TOP/tools/tests/guests/match-output.sh:/lib/vmm-lab/guests/match-output.sh")
	# make bench's guest and timer (tools/bench).
	for g in "$BUILD"/bench-bin/bench.elf "$BUILD"/bench-bin/bench-lifecycle \
		 "$BUILD"/bench-bin/bench-boot; do
		[ -f "$g" ] && args+=(-f "$g:/lib/vmm-lab/bench/")
	done
	"$LAB/initramfs.sh" -o "$out" "${args[@]}" "$@" -p "$plan"
}
