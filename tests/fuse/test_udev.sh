#!/bin/bash
# SPDX-License-Identifier: MIT
# test_udev.sh - libudev (udevadm, systemd's sd-device) enumerates the model
# (issue 4, design.md §11.4): in a private mount namespace the
# model is mounted and bound over /sys, and `udevadm info` with
# SYSTEMD_DEVICE_VERIFY_SYSFS=0 (FUSE is not sysfs) must show the kernel's
# DEVTYPE/DRIVER/SUBSYSTEM and bus variables for a card, a queue on each
# driver, an unbound queue, the matrix device and an mdev; the parent walk
# and the whole enumeration must find them too.
# Usage: test_udev.sh PATH/TO/vfio-ap-sim   (root; TAP on stdout)
VAS=$(realpath "${1:?usage: $0 path/to/vfio-ap-sim}")
if [ -z "$VAS_IN_NS" ]; then
	command -v udevadm >/dev/null || { echo "Bail out! udevadm is not installed"; exit 1; }
	VAS_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

. "$(dirname "$0")/lib.sh" "$VAS"
export SYSTEMD_DEVICE_VERIFY_SYSFS=0
U=55555555-5555-4555-8555-555555555555
M=/sys/devices/vfio_ap/matrix

# The udev properties of a device as sorted KEY=VALUE lines, DEVPATH left out.
props() { udevadm info -q property "$1" 2>&1 | grep -v '^DEVPATH=' | sort; }

# has_props DEVICE DESCRIPTION KEY=VALUE... : exactly these properties
has_props() {
	local dev=$1 what=$2
	shift 2
	is "$(props "$dev")" "$(printf '%s\n' "$@" | sort)" "$what"
}

vas_mount
ok $? "model mounted inside the namespace"
mount --bind "$MP" /sys
ok $? "model over /sys"
trap 'umount /sys 2>/dev/null; cleanup' EXIT
is "$(wr /sys/bus/ap/apmask "$(mask_without 3 4)")" "" "adapters 3, 4 to vfio_ap"
is "$(wr /sys/bus/ap/aqmask "$(mask_without 5 6)")" "" "domains 5, 6 to vfio_ap"
is "$(wr $M/mdev_supported_types/vfio_ap-passthrough/create $U)" "" "mdev created"
is "$(wr $M/$U/assign_adapter 3)$(wr $M/$U/assign_domain 5)" "" "03.0005 assigned"
is "$(wr /sys/bus/ap/drivers/vfio_ap/unbind 04.0006)" "" "04.0006 unbound"

has_props /sys/devices/ap/card03 "card03 (CEX8C): ap_card on cex4card, cca" \
	SUBSYSTEM=ap DEVTYPE=ap_card DRIVER=cex4card DEV_TYPE=000E MODALIAS=ap:t0E MODE=cca
has_props /sys/bus/ap/devices/card05 "card05 (CEX8P) through its bus link: ep11" \
	SUBSYSTEM=ap DEVTYPE=ap_card DRIVER=cex4card DEV_TYPE=000E MODALIAS=ap:t0E MODE=ep11
has_props /sys/devices/ap/card03/03.0005 "queue 03.0005: ap_queue on vfio_ap (no MODALIAS)" \
	SUBSYSTEM=ap DEVTYPE=ap_queue DRIVER=vfio_ap MODE=cca
has_props /sys/bus/ap/devices/06.0001 "queue 06.0001 (CEX8A): on cex4queue, accel" \
	SUBSYSTEM=ap DEVTYPE=ap_queue DRIVER=cex4queue MODE=accel
has_props /sys/devices/ap/card04/04.0006 "unbound queue 04.0006: no DRIVER" \
	SUBSYSTEM=ap DEVTYPE=ap_queue MODE=cca
has_props $M "matrix device: bus matrix, driver vfio_ap" SUBSYSTEM=matrix DRIVER=vfio_ap
has_props /sys/bus/mdev/devices/$U "mdev through its bus link: mdev, vfio_ap_mdev" \
	SUBSYSTEM=mdev DRIVER=vfio_ap_mdev

is "$(udevadm info -q path /sys/bus/mdev/devices/$U 2>&1)" "/devices/vfio_ap/matrix/$U" \
	"the mdev's devpath is the canonical one"
is "$(udevadm info -q property -p /devices/ap/card03/03.0005 2>&1 | grep ^DRIVER=)" \
	DRIVER=vfio_ap "a devpath (-p) resolves too"
out=$(udevadm info -a /sys/bus/mdev/devices/$U 2>&1)
case $out in *'DRIVER=="vfio_ap_mdev"'*'ATTR{matrix}=="03.0005"'*'KERNELS=="matrix"'*'DRIVERS=="vfio_ap"'*)
	ok 0 "attribute walk: the mdev, its matrix, then its parent matrix device";;
*) ok 1 "attribute walk"; printf '%s\n' "$out" | sed 's/^/# /';; esac
is "$(udevadm info -e 2>&1 | grep -c '^E: SUBSYSTEM=ap$')" 68 "enumeration: 4 cards, 64 queues"
is "$(udevadm info -e 2>&1 | grep -c '^E: SUBSYSTEM=\(matrix\|mdev\)$')" 2 \
	"enumeration: the matrix device and the mdev"

is "$(wr $M/$U/remove 1)" "" "mdev removed"
out=$(udevadm info /sys/devices/vfio_ap/matrix/$U 2>&1)
is "$?:${out##*: }" "1:No such device" "after remove: udevadm says No such device"
is "$(cat /sys/sim/lockdep)" "" "no lock validator report"
umount /sys
umount "$MP"
unmounted_and_gone
ok $? "unmounted, no process left"
done_testing
