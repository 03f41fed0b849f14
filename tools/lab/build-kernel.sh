#!/bin/bash
# Build (or reuse) a lab kernel tree from a Debian linux-source package.
#
#   build-kernel.sh 6.12 full       bzImage + modules, for booting (KUnit, lockdep, KASAN)
#   build-kernel.sh 6.12-lite full  the same without KASAN and kmemleak, for Bochs
#   build-kernel.sh 7.2 prepare     configured tree + modules_prepare only
#
# The tree is cached under $VMM_LAB_CACHE (default /var/cache/vmm-lab), keyed by
# the source package, the config fragments and the mode, so a machine builds
# each kernel once (edit a fragment to force a rebuild). Prints the tree's
# path on the last line of stdout.
set -euo pipefail

ver=${1%-lite}
variant=${1#"$ver"}
mode=${2:-full}
here=$(cd "$(dirname "$0")" && pwd)
cache=${VMM_LAB_CACHE:-/var/cache/vmm-lab}
jobs=$(nproc)
log() { echo "build-kernel: $*" >&2; }

src_tarball() {
	case $ver in
	6.12)
		dpkg-query -W -f='${Version}' linux-source-6.12 >/dev/null
		echo /usr/src/linux-source-6.12.tar.xz ;;
	7.2)
		"$here/fetch-sid-source.sh" >&2
		echo "$cache/sid/src/usr/src/linux-source-7.2.tar.xz" ;;
	*) log "unknown kernel $ver"; exit 2 ;;
	esac
}

mkdir -p "$cache"
# One build of a kernel at a time: a second caller waits, then finds it done.
exec 9>"$cache/.lock-$1"
flock 9

tarball=$(src_tarball)
fragments=("$here/lab-kernel.config")
[ "$variant" = -lite ] && fragments+=("$here/lab-kernel-lite.config")
key=$( (stat -c '%s %Y' "$tarball"; cat "${fragments[@]}"; echo "$mode") |
	sha256sum | cut -c1-12)
tree=$cache/linux-$ver$variant-$mode-$key
if [ -f "$tree/.vmm-lab-done" ]; then
	log "cached: $tree"
	echo "$tree"
	exit 0
fi

log "building linux $ver ($mode) in $tree; this takes a while (see Documentation/lab.rst)"
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -C "$tree.tmp" --strip-components=1 -xf "$tarball"
cd "$tree.tmp"
make -s tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >&2
make -s olddefconfig >&2
# merge_config silently drops options whose dependencies are missing: check
# the ones the lab relies on.
want="KUNIT KVM_INTEL KVM_AMD PROVE_LOCKING PREEMPT MODULES SERIAL_8250_CONSOLE HOTPLUG_CPU
	MAGIC_SYSRQ"
[ "$variant" = -lite ] || want="$want KASAN DEBUG_KMEMLEAK"
for opt in $want; do
	grep -Eq "^CONFIG_$opt=(y|m)" .config || { log "CONFIG_$opt missing"; exit 1; }
done
if [ "$mode" = full ]; then
	make -s -j"$jobs" bzImage modules >&2
	make -s INSTALL_MOD_PATH="$tree.tmp/_modules" modules_install >&2
else
	make -s -j"$jobs" modules_prepare >&2
fi
cd /
mv "$tree.tmp" "$tree"
touch "$tree/.vmm-lab-done"
log "done: $tree"
echo "$tree"
