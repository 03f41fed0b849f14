# SPDX-License-Identifier: GPL-2.0-only
#
# vmm: build the module and vmctl; run the lab.
#
#   make                 vmm.ko against KDIR (default: the running kernel) and vmctl
#   make check           every test, in the emulated Intel and AMD machines
#   make demo            boots both emulated machines and shows what vmm does there
#   make bench           exit costs under vmm and kvm.ko in both machines, a table
#                        (BENCH_ARGS="--append 'mitigations=off' --sequential": bench.sh)
#   make help            the other targets
#
KDIR	?= /lib/modules/$(shell uname -r)/build
PWD	:= $(shell pwd)
CC	?= cc
CFLAGS	?= -O2 -g
VMCTL_CFLAGS := -Wall -Wextra -Werror -std=gnu11 -I$(PWD)

.PHONY: all module vmctl clean check linux-check demo bench lab-deps help shell-amd shell-intel

all: module vmctl

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

vmctl: tools/vmctl/vmctl

tools/vmctl/vmctl: $(wildcard tools/vmctl/*.c tools/vmctl/*.h tools/vmctl/pc/*.c tools/vmctl/pc/*.h) uapi/vmm.h
	$(CC) $(CFLAGS) $(VMCTL_CFLAGS) -pthread -o $@ $(filter %.c,$^)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	rm -rf build tools/vmctl/vmctl

# Installs the Debian packages the lab needs (root; skipped when present).
lab-deps:
	tools/lab/deps.sh

check: lab-deps
	tools/lab/check.sh

# Linux as a guest of vmctl run --kernel, nested under kvm.ko and vmm.ko in
# the emulated AMD and Intel machines (tools/lab/plans/linux.sh).
linux-check: lab-deps
	tools/lab/linux-check.sh

demo: lab-deps
	tools/lab/demo.sh

bench: lab-deps
	tools/lab/bench.sh $(BENCH_ARGS)

shell-amd: lab-deps
	tools/lab/shell.sh amd

shell-intel: lab-deps
	tools/lab/shell.sh intel

help:
	@sed -n '3,10p' Makefile
	@echo "  make linux-check     Linux booted by vmctl run --kernel, nested under kvm.ko"
	@echo "  make shell-amd       a root shell in the emulated AMD machine, vmm.ko loaded"
	@echo "  make shell-intel     the same in the emulated Intel machine (Bochs)"
	@echo "  make lab-deps        install the lab's Debian packages"
	@echo "  make clean"
