#!/bin/bash
# Fetch Debian sid's linux-source-7.2 without touching the system's apt state:
# a private sources list and lists directory, `apt-get download`, `dpkg -x`.
set -euo pipefail
cache=${VMM_LAB_CACHE:-/var/cache/vmm-lab}
d=$cache/sid
[ -f "$d/src/.done" ] && exit 0
mkdir -p "$d/lists/partial" "$d/etc" "$d/src"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >"$d/etc/sources.list"
opts=(-o "Dir::Etc::SourceList=$d/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/apt-cache")
cd "$d"
ls linux-source-7.2_*.deb >/dev/null 2>&1 || {
	apt-get -q "${opts[@]}" update
	apt-get -q "${opts[@]}" download linux-source-7.2
}
dpkg -x linux-source-7.2_*.deb src
touch src/.done
