#!/bin/bash
# Installs the Debian packages the lab needs, if any are missing (as root).
# A fresh Debian 12 machine has none of them; this is the only install step.
set -euo pipefail
pkgs=(
	build-essential bc bison flex cpio xz-utils libelf-dev libssl-dev dwarves
	sparse
	qemu-system-x86
	bochsbios vgabios
	busybox-static
	isolinux syslinux-common xorriso
	linux-image-amd64 linux-headers-amd64 linux-source-6.12
	gnuplot-nox
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
