#!/bin/bash
# SPDX-License-Identifier: MIT
# t_basic.sh - `vfio-ap-sim sandbox` as a user meets it (docs/sandbox.md):
# the command's exit status (plain, signal, not found), usage and
# configuration errors, the view inside (the model over /sys, the host's
# /sys read-only, private /run, /run/lock, /dev with /dev/z90crypt,
# /etc/mdevctl.d, the environment), writable uevent files with EINVAL for
# bad actions and /sys/bus/ap/uevent, --setup, --mdevctl-dir, --trace,
# --overlay, --no-vfio-ap with a load inside, and `mount --uevents`
# refusing the host's network namespace.
# Usage: t_basic.sh PATH/TO/vfio-ap-sim   (root, /dev/fuse; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
SB() { "$VAS" sandbox "$@"; }

SB -- true
is "$?" 0 "sandbox -- true: 0"
SB -- sh -c 'exit 7'
is "$?" 7 "the command's status is the sandbox's"
SB -- sh -c 'kill -9 $$'
is "$?" 137 "a command killed by SIGKILL: 128+9"
SB -- /nonexistent/cmd 2>/dev/null
is "$?" 127 "a command that does not exist: 127"
out=$(SB --bogus 2>&1)
is "$?:$out" "2:vfio-ap-sim sandbox: unknown option '--bogus' (see 'vfio-ap-sim sandbox --help')" \
	"an unknown option: exit 2, one line"
printf 'card 0x03 type=CEX9C\n' > "$TMP/bad.cfg"
out=$(SB -c "$TMP/bad.cfg" -- true 2>&1)
like "$?:$out" "2:*bad.cfg:1: card: unknown type 'CEX9C'*" "a bad host configuration: exit 2 before anything runs"
out=$(SB --rules /tmp -- true 2>&1)
is "$?:$out" "2:vfio-ap-sim sandbox: --rules needs --udevd" "--rules without --udevd"
like "$(SB --help)" "Usage: vfio-ap-sim sandbox *" "--help"

# the view inside
cat > "$TMP/view.sh" <<'IN'
set -u
[ -d /sys/bus/ap/devices ] && echo model
cat /sys/bus/ap/bindings
echo "verify=$SYSTEMD_DEVICE_VERIFY_SYSFS sandbox=$VAS_SANDBOX sim=$VAS_SIM"
cat "$VAS_SIM/variant"
{ echo x > /sys/kernel/profiling; } 2>&1 | sed 's/.*: //'
touch /run/vas-probe /run/lock/vas-probe && echo run-writable
[ -c /dev/z90crypt ] && [ -c /dev/null ] && [ -c /dev/fuse ] && echo dev
ls /etc/mdevctl.d/scripts.d
touch /etc/mdevctl.d/vas-probe && echo mdevctl-writable
[ "$(cat /proc/1/comm)" = vfio-ap-sim ] && echo pid1
grep -q vfio-ap-sim /proc/mounts && echo mounted
/usr/bin/python3 -c 'import socket; s = socket.create_server(("127.0.0.1", 0)); socket.create_connection(s.getsockname())' && echo lo-up
IN
out=$(SB -- sh "$TMP/view.sh" 2>&1)
is "$out" "model
64/64 (complete)
verify=0 sandbox=1 sim=/run/vfio-ap-sim/sys/sim
merged
Read-only file system
run-writable
dev
callouts
notifiers
mdevctl-writable
pid1
mounted
lo-up" "inside: the model over /sys, the host's /sys read-only, private /run, /dev, /etc/mdevctl.d"
test ! -e /run/vas-probe && test ! -e /run/lock/vas-probe && test ! -e /etc/mdevctl.d/vas-probe
ok $? "... none of it reached the host"

# uevent files
cat > "$TMP/uevent.sh" <<'IN'
w() { { printf '%s' "$2" > "$1"; } 2>&1 | sed 's/.*: //'; echo "[$?]"; }
w /sys/devices/ap/card03/uevent add
w /sys/devices/ap/card03/uevent "change 8b5ee8fb-2d51-4ef5-8d1b-6c2a3a8b6f0e A=1"
w /sys/devices/ap/card03/uevent bogus
w /sys/devices/ap/card03/03.0001/uevent "add "
w /sys/bus/ap/uevent add
w /sys/bus/ap/drivers/cex4queue/uevent change
w /sys/devices/vfio_ap/matrix/uevent change
cat /sys/devices/ap/card03/uevent
stat -c %a /sys/devices/ap/card03/uevent /sys/bus/ap/uevent
IN
is "$(SB -- bash "$TMP/uevent.sh")" "[0]
[0]
Invalid argument
[0]
Invalid argument
[0]
[0]
[0]
[0]
DEVTYPE=ap_card
DRIVER=cex4card
DEV_TYPE=000E
MODALIAS=ap:t0E
MODE=cca
644
200" "uevent files: the eight actions and UUID arguments accepted, EINVAL otherwise; /sys/bus/ap/uevent"

# --setup, --mdevctl-dir, --trace, --overlay
mkdir -p "$TMP/seed/matrix"
echo '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[]}' \
	> "$TMP/seed/matrix/11111111-2222-4333-8444-555555555555"
printf 'echo -0x05 > /sys/bus/ap/apmask\necho setup-ran > /run/setup\n' > "$TMP/setup.sh"
out=$(SB --setup "$TMP/setup.sh" --mdevctl-dir "$TMP/seed" --trace "$TMP/trace" -- \
	sh -c 'cat /run/setup; ls /etc/mdevctl.d/matrix; cat /sys/bus/ap/apmask' 2>&1)
is "$out" "setup-ran
11111111-2222-4333-8444-555555555555
0xfbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" \
	"--setup ran first, --mdevctl-dir seeded /etc/mdevctl.d"
grep -q 'write /sys/bus/ap/apmask "-0x05\\n"$' "$TMP/trace" &&
	grep -q 'uevent unbind /devices/ap/card05/05.0000 SUBSYSTEM=ap DEVTYPE=ap_queue MODE=ep11$' "$TMP/trace" &&
	grep -q 'write /sys/bus/ap/apmask -> 6$' "$TMP/trace" &&
	grep -q 'read /sys/bus/ap/apmask -> 67 "0xfb' "$TMP/trace"
ok $? "--trace: the write, its events, its result and the read, in the file"
w=$(grep -n 'write /sys/bus/ap/apmask "' "$TMP/trace" | cut -d: -f1)
e=$(grep -n 'uevent change /devices/ap SUBSYSTEM=ap APMASK=' "$TMP/trace" | cut -d: -f1)
r=$(grep -n 'write /sys/bus/ap/apmask -> 6' "$TMP/trace" | cut -d: -f1)
[ -n "$w" ] && [ -n "$e" ] && [ -n "$r" ] && [ "$w" -lt "$e" ] && [ "$e" -lt "$r" ]
ok $? "--trace: the mask event sits between the write's two lines"
printf 'exit 3\n' > "$TMP/fail.sh"
out=$(SB --setup "$TMP/fail.sh" -- sh -c 'echo ran' 2>&1)
like "$?:$out" "3:*--setup*failed with status 3*" "a failing --setup: its status, the command does not run"
mkdir -p "$TMP/ov"
echo host > "$TMP/ov/f"
SB --overlay "$TMP/ov" -- sh -c "echo sandbox > $TMP/ov/f; touch $TMP/ov/new"
is "$(cat "$TMP/ov/f"):$(ls "$TMP/ov")" "host:f" "--overlay: writes stay in the sandbox"

# --no-vfio-ap, then a load inside
out=$(SB --no-vfio-ap -- sh -c 'cat $VAS_SIM/modules/vfio_ap; ls /sys/bus; echo 1 > $VAS_SIM/modules/vfio_ap; ls /sys/bus; cat /sys/module/vfio_ap/initstate')
is "$out" "0
ap
mdev
ap
matrix
mdev
live" "--no-vfio-ap: booted without it, loaded inside (module/vfio_ap appears)"

# refusing the host's network namespace
mkdir -p "$TMP/mnt"
out=$(unshare -m "$VAS" mount --uevents "$TMP/mnt" 2>&1)
like "$?:$out" "1:*refusing to send uevents into the host's network namespace*" \
	"mount --uevents in the host's network namespace: refused"
done_testing
