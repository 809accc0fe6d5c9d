#!/bin/bash
# SPDX-License-Identifier: MIT
# mdevctl.sh - Debian's mdevctl (1.2.0) drives the simulated host (issue 4,
# design.md §11.4). In a private mount namespace the model is mounted and bound
# over /sys, and a private directory over /etc/mdevctl.d; then: types,
# define + modify --addattr, start, list (--dumpjson), stop, start of an
# undefined device, start-parent-mdevs with an auto device, and a start
# whose attribute conflicts (EADDRINUSE) and must leave nothing behind.
# Every step is checked in the model's files, not by exit codes alone.
# Usage: mdevctl.sh PATH/TO/vfio-ap-sim   (root; TAP on stdout)
VAS=$(realpath "${1:?usage: $0 path/to/vfio-ap-sim}")
if [ -z "$VAS_IN_NS" ]; then
	command -v mdevctl >/dev/null || { echo "Bail out! mdevctl is not installed"; exit 1; }
	VAS_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

. "$(dirname "$0")/../fuse/lib.sh" "$VAS"
ETC=$TMP/etc
mkdir -p "$ETC/scripts.d/callouts" "$ETC/scripts.d/notifiers"
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444
M=/sys/devices/vfio_ap/matrix

vas_mount
ok $? "model mounted inside the namespace"
mount --bind "$MP" /sys && mount --bind "$ETC" /etc/mdevctl.d
ok $? "model over /sys, private /etc/mdevctl.d"
trap 'umount /sys /etc/mdevctl.d 2>/dev/null; cleanup' EXIT
is "$(wr /sys/bus/ap/apmask "$(mask_without 3 4 5 6)")" "" "adapters 3-6 freed for vfio_ap"

out=$(mdevctl types 2>&1)
case $out in *vfio_ap-passthrough*"Available instances: 65536"*) ok 0 "mdevctl types";;
*) ok 1 "mdevctl types"; echo "# $out";; esac

mdevctl define -u $U1 -p matrix -t vfio_ap-passthrough &&
	mdevctl modify -u $U1 --addattr=assign_adapter --value=3 &&
	mdevctl modify -u $U1 --addattr=assign_domain --value=5 &&
	mdevctl modify -u $U1 --addattr=assign_control_domain --value=5
ok $? "define + modify --addattr"
test -e $M/$U1
is "$?" 1 "defining creates nothing in sysfs"
mdevctl start -u $U1
ok $? "mdevctl start (defined)"
is "$(cat $M/$U1/matrix 2>&1)" "03.0005" "started device has matrix 03.0005"
is "$(cat $M/$U1/control_domains 2>&1)" "0005" "... and control domain 5"
case $(mdevctl list 2>&1) in *"$U1 matrix vfio_ap-passthrough"*) ok 0 "mdevctl list";;
*) ok 1 "mdevctl list";; esac
case $(mdevctl list --dumpjson 2>&1) in *assign_adapter*) ok 0 "list --dumpjson has attrs";;
*) ok 1 "list --dumpjson";; esac

mdevctl start -u $U2 -p matrix -t vfio_ap-passthrough
ok $? "start of an undefined device"
test -d $M/$U2
ok $? "... its directory exists"
mdevctl stop -u $U2
ok $? "mdevctl stop"
test -e $M/$U2 || test -e /sys/bus/mdev/devices/$U2
is "$?" 1 "... and the device is gone"

mdevctl define -u $U3 -p matrix -t vfio_ap-passthrough --auto &&
	mdevctl modify -u $U3 --addattr=assign_adapter --value=4 &&
	mdevctl modify -u $U3 --addattr=assign_domain --value=6
ok $? "define an auto device"
mdevctl start-parent-mdevs matrix
ok $? "start-parent-mdevs matrix"
is "$(cat $M/$U3/matrix 2>&1)" "04.0006" "the auto device runs with its attributes"

mdevctl define -u $U4 -p matrix -t vfio_ap-passthrough &&
	mdevctl modify -u $U4 --addattr=assign_adapter --value=3 &&
	mdevctl modify -u $U4 --addattr=assign_domain --value=5
out=$(mdevctl start -u $U4 2>&1)
is "$?" 1 "start with a conflicting APQN fails"
case $out in *"in use"*) ok 0 "... reporting EADDRINUSE";; *) ok 1 "error: $out";; esac
test -e $M/$U4
is "$?" 1 "... and the half-created device was removed"

for u in $U1 $U3; do mdevctl stop -u $u; done
is "$(ls /sys/bus/mdev/devices | wc -l)" 0 "all stopped"
is "$(cat /sys/sim/lockdep)" "" "no lock validator report"
umount /sys /etc/mdevctl.d
umount "$MP"
unmounted_and_gone
ok $? "unmounted, no process left"
done_testing
