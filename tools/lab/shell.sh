#!/bin/bash
# make shell-amd / make shell-intel: a root shell in an emulated machine, with
# vmm.ko, kvm.ko and vmctl in /lib/vmm-lab and /bin. KERNEL=stock|6.12|7.2.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vendor=${1:?amd or intel}
kern=${KERNEL:-stock}
out=$BUILD/shell
mkdir -p "$out"
build_module "$kern" || { tail -n 20 "$BUILD/$kern/build.log"; exit 1; }
build_userspace
cat >"$out/plan.sh" <<'PLAN'
#!/bin/sh
echo "vmm lab shell: insmod /lib/vmm-lab/vmm.ko; vmctl info; exit powers off"
PLAN
make_initramfs "$kern" "$out/plan.sh" "$out/initrd.gz"
kernel_info "$kern"
case $vendor in
amd) machine=qemu-amd ;;
intel) machine=bochs-intel ;;
*) echo "shell.sh: amd or intel" >&2; exit 2 ;;
esac
exec "$LAB/run.sh" --machine $machine --kernel "$KVER_BZIMAGE" --initrd "$out/initrd.gz" \
	--log "$out/serial.log" --shell
