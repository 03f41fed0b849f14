#!/bin/sh
# /init of the nested Linux guest that plans/linux.sh boots under
# vmctl run --kernel: a busybox shell on the serial console (the PC's UART,
# which is vmctl's stdin and stdout), typed into by the plan as a user
# would. PID 1 stays this script so that busybox poweroff and reboot, which
# signal PID 1 (USR2, TERM), end the machine through ACPI and port 0xcf9.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
read -r up _ </proc/uptime
echo "GUEST-INIT uptime=$up"
trap 'poweroff -f' USR2
trap 'reboot -f' TERM
setsid cttyhack sh -i &
shell=$!
# wait returns early for each trapped signal; go on until the shell ends.
while kill -0 $shell 2>/dev/null; do
	wait $shell
done
poweroff -f
