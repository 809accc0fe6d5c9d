#!/bin/bash
# SPDX-License-Identifier: MIT
# t_basic.sh - the mounted tree through ordinary file I/O (design.md
# §11): daemon mount, modes and sizes, EACCES/EPERM cases, kernel
# link texts and readlink -f, an mdev's life (create, assign, unassign,
# remove) with and without trailing newlines through O_TRUNC opens, the
# errno of a conflict, ls -R of the whole tree, and unmount leaving no
# server behind. TAP on stdout.
. "$(dirname "$0")/lib.sh" "$@"

U1=11111111-1111-1111-1111-111111111111
U2=22222222-2222-2222-2222-222222222222
M=$MP/devices/vfio_ap/matrix
T=$M/mdev_supported_types/vfio_ap-passthrough

vas_mount
ok $? "mount returns 0 in daemon mode"
grep -q " $MP fuse.vfio-ap-sim " /proc/mounts
ok $? "the mount is there when mount returns"

is "$(stat -c '%a %s %U' "$MP/bus/ap/apmask")" "644 4096 root" "rw attribute: 0644, size 4096"
is "$(stat -c '%a' "$T/create")" "200" "create is 0200"
is "$(stat -c %a "$MP/bus/ap/ap_max_domain_id")" "444" "ap_max_domain_id is 0444"
is "$(stat -c '%a %F' "$MP/bus/ap")" "755 directory" "directories are 0755"
a=$(stat -c %i "$MP/bus/ap/apmask"); b=$(stat -c %i "$MP/bus/ap/apmask")
is "$a" "$b" "inode numbers are stable"

is "$(cat "$T/create" 2>&1 | sed 's/.*: //')" "Permission denied" "reading create: EACCES"
is "$(wr "$MP/bus/ap/newfile" x)" "Permission denied" "creating a name: EACCES"
mkdir "$MP/bus/x" 2>/dev/null
is "$?" 1 "mkdir fails"
rm -f "$MP/bus/ap/apmask" 2>/dev/null
is "$?" 1 "rm fails"
fails_with "Permission denied" "$MP/bus/ap/ap_max_domain_id" 1 "writing a read-only attribute: EACCES"

is "$(readlink "$MP/bus/ap/devices/card03")" "../../../devices/ap/card03" "card link text"
is "$(readlink "$MP/class/mdev_bus/matrix")" "../../devices/vfio_ap/matrix" "class link text"
is "$(readlink -f "$MP/bus/ap/devices/03.0005")" "$MP/devices/ap/card03/03.0005" \
	"readlink -f of a queue"
is "$(readlink -f "$MP/devices/ap/card03/subsystem")" "$MP/bus/ap" "subsystem resolves"

is "$(wr "$MP/bus/ap/apmask" "$(mask_without 3 4)")" "" "apmask without newline (O_TRUNC open)"
is "$(cat "$MP/bus/ap/apmask")" "$(mask_without 3 4)" "apmask reads back"
is "$(wr "$T/create" "$U1")" "" "create without newline"
test -f "$MP/bus/mdev/devices/$U1/assign_adapter"
ok $? "the mdev's attributes exist when create returns"
is "$(readlink -f "$MP/bus/mdev/devices/$U1")" "$M/$U1" "bus/mdev link resolves to matrix/<uuid>"
is "$(basename "$(readlink -f "$M/$U1/mdev_type")")" "vfio_ap-passthrough" "mdev_type resolves"
echo "$U2" > "$T/create"
ok $? "create with echo (newline)"
is "$(wr "$M/$U1/assign_adapter" 3)" "" "assign_adapter 3"
echo 5 > "$M/$U1/assign_domain"
ok $? "assign_domain 5 with a newline"
is "$(wr "$M/$U1/assign_control_domain" 0x5)" "" "assign_control_domain 0x5"
is "$(cat "$M/$U1/matrix")" "03.0005" "matrix shows 03.0005"
is "$(cat "$M/$U1/control_domains")" "0005" "control_domains"
is "$(wr "$M/$U2/assign_domain" 5)" "" "second mdev: assign_domain 5"
fails_with "Address already in use" "$M/$U2/assign_adapter" 3 "APQN conflict: EADDRINUSE"
fails_with "Invalid argument" "$M/$U1/assign_adapter" zz "bad number: EINVAL"
is "$(cat "$M/$U1/assign_adapter" 2>&1 | sed 's/.*: //')" "Permission denied" \
	"reading assign_adapter: EACCES"
is "$(wr "$M/$U1/unassign_domain" 5)" "" "unassign_domain 5"
is "$(cat "$M/$U1/matrix")" "03." "matrix after unassign"

out=$(ls -R "$MP" 2>&1 >/dev/null)
is "$out" "" "ls -R of the whole tree: no errors"
is "$(find "$MP" -xtype l | wc -l)" "0" "no dangling links"
grep -q '^DEVTYPE=ap_queue' "$MP/devices/ap/card03/03.0005/uevent"
ok $? "queue uevent has DEVTYPE=ap_queue"

is "$(wr "$M/$U1/remove" 1)" "" "remove"
test -e "$M/$U1" || test -e "$MP/bus/mdev/devices/$U1"
is "$?" 1 "the mdev is gone when remove returns"
is "$(cat "$MP/sim/lockdep")" "" "no lock validator report"

fusermount3 -u "$MP"
ok $? "fusermount3 -u"
unmounted_and_gone
ok $? "no server process left behind"

done_testing
