#!/bin/bash
# SPDX-License-Identifier: MIT
# t_events.sh - what a listener in a sandbox receives (docs/uevents.md): in
# a --udevd sandbox, a raw listener on the kernel's group (the datagrams
# as sent), `udevadm monitor --kernel --udev --property` and a pyudev
# monitor (udevd's rebroadcast, libudev's default source) record an
# apmask change, an mdev's creation, a card's config 0 and the mdev's
# removal. The raw stream must be exactly the expected events, in order,
# byte for byte (keys in the kernel's order, APMASK with its newline,
# SEQNUM last and growing); udevadm's kernel and udev streams must carry
# the same events with the same keys (udevd may reorder unrelated devices,
# never one device's own events); pyudev must see the mdev's add, bind,
# unbind and remove. `udevadm settle` and then a synthetic event with a
# fresh UUID mark the end, so the test waits for events, not for time.
# Usage: t_events.sh PATH/TO/vfio-ap-sim   (root, /dev/fuse; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
U=9a8e9e2c-7b7e-4c0b-9a3a-3c0d5f6b1e01
END=3f1d2c4b-5a69-4788-9aab-bccddeeff001
M=/devices/vfio_ap/matrix/$U
PY=/usr/bin/python3

cat > "$TMP/pymon.py" <<'PYEOF'
import sys, pyudev
ctx = pyudev.Context()
mon = pyudev.Monitor.from_netlink(ctx)  # the default source: udevd's rebroadcast
mon.filter_by("mdev")
mon.start()
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "w", buffering=1) as out:
    for dev in iter(mon.poll, None):
        out.write("%s %s DRIVER=%s\n" % (dev.action, dev.device_path, dev.properties.get("DRIVER", "")))
        if dev.action == "remove":
            break
PYEOF

cat > "$TMP/raw.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)  # NETLINK_KOBJECT_UEVENT
s.bind((0, 1))                                              # group 1: the kernel's events
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "w", buffering=1) as out:
    while True:
        d = s.recv(65536)
        parts = d.split(b"\0")
        out.write(repr(d) + "\n")
        if b"SYNTH_UUID=" + sys.argv[2].encode() in parts:
            break
PYEOF

cat > "$TMP/inner.sh" <<IN
$PY $TMP/raw.py $TMP/raw.txt $END &
RAW=\$!
udevadm monitor --kernel --udev --property > $TMP/mon.txt 2>&1 &
$PY $TMP/pymon.py $TMP/py.txt 2> $TMP/py.err &
PYPID=\$!
. $(dirname "$0")/lib.sh "$VAS"   # wait_line
wait_line $TMP/mon.txt "UDEV - the event"
wait_file $TMP/py.txt.ready
wait_file $TMP/raw.txt.ready
echo -0x05 > /sys/bus/ap/apmask
echo $U > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
echo 0 > /sys/devices/ap/card04/config
echo 1 > /sys$M/remove
udevadm settle
echo "change $END" > /sys/bus/ap/uevent
wait_line $TMP/mon.txt "SYNTH_UUID=$END" # the kernel's copy and udevd's
until [ "\$(grep -c "SYNTH_UUID=$END" $TMP/mon.txt)" -ge 2 ]; do sleep 0.02; done
wait \$PYPID \$RAW
IN
"$VAS" sandbox --udevd -- bash "$TMP/inner.sh"
ok $? "the sandbox ran the actions"

q() { # ACTION CARD DOMAIN DRIVER-or-empty MODE [PREFIX-KEYS]
	printf '%s /devices/ap/card%02x/%02x.%04x SUBSYSTEM=ap %sDEVTYPE=ap_queue%s MODE=%s\n' \
		"$1" "$2" "$2" "$3" "$6" "${4:+ DRIVER=$4}" "$5"
}
# The expected events, one line each: ACTION DEVPATH KEY=VALUE... (\n: a newline byte)
{
	for d in $(seq 0 15); do
		q unbind 5 "$d" "" ep11
		q bind 5 "$d" vfio_ap ep11
	done
	echo 'change /devices/ap SUBSYSTEM=ap APMASK=0xfbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n'
	echo "add $M SUBSYSTEM=mdev"
	echo "add /devices/virtual/vfio/0 SUBSYSTEM=vfio MAJOR=242 MINOR=0 DEVNAME=vfio/0"
	echo "add $M/vfio-dev/vfio0 SUBSYSTEM=vfio-dev"
	echo "bind $M SUBSYSTEM=mdev DRIVER=vfio_ap_mdev"
	echo "change /devices/ap/card04 SUBSYSTEM=ap CONFIG=0 DEVTYPE=ap_card DRIVER=cex4card DEV_TYPE=000E MODALIAS=ap:t0E MODE=cca"
	for d in $(seq 0 15); do q change 4 "$d" cex4queue cca "CONFIG=0 "; done
	echo "change /devices/ap SUBSYSTEM=ap BINDINGS=complete COMPLETECOUNT=2"
	echo "remove $M/vfio-dev/vfio0 SUBSYSTEM=vfio-dev"
	echo "remove /devices/virtual/vfio/0 SUBSYSTEM=vfio MAJOR=242 MINOR=0 DEVNAME=vfio/0"
	echo "unbind $M SUBSYSTEM=mdev"
	echo "remove $M SUBSYSTEM=mdev"
	echo "change /bus/ap SUBSYSTEM=bus SYNTH_UUID=$END"
} > "$TMP/want.txt"

# The raw datagrams as lines of the same shape; checks the wire format on the way.
$PY - "$TMP/raw.txt" > "$TMP/raw-lines.txt" 2> "$TMP/raw-err.txt" <<'PYEOF'
import ast, sys
last = None
for line in open(sys.argv[1]):
    d = ast.literal_eval(line)
    parts = d.split(b"\0")
    assert parts[-1] == b"", "not NUL-terminated"
    head, kv = parts[0].decode(), [p.decode() for p in parts[1:-1]]
    action, devpath = head.split("@", 1)
    assert kv[0] == "ACTION=" + action and kv[1] == "DEVPATH=" + devpath, head
    assert kv[-1].startswith("SEQNUM="), "SEQNUM not last"
    seq = int(kv[-1][7:])
    assert last is None or seq > last, "SEQNUM does not grow"
    last = seq
    print(action, devpath, " ".join(kv[2:-1]).replace("\n", "\\n"))
PYEOF
ok $? "raw datagrams: ACTION@DEVPATH, ACTION and DEVPATH first, SEQNUM last and growing"
[ -s "$TMP/raw-err.txt" ] && sed 's/^/# /' "$TMP/raw-err.txt"
is "$(cat "$TMP/raw-lines.txt")" "$(cat "$TMP/want.txt")" \
	"kernel group: exactly the expected events, in order, with the kernel's keys in order"

# libudev's view of both streams: DEVNAME made absolute, a value cut at its
# newline; keys compared as a set (sd-device keeps its own order),
# SEQNUM and udev's USEC_INITIALIZED left out.
norm() { # the expected events as libudev shows them: keys sorted per event
	sed 's|DEVNAME=vfio/0|DEVNAME=/dev/vfio/0|; s|\\n$||' "$TMP/want.txt" |
		while read -r line; do printf '%s\n' $line | sort | tr '\n' ' '; echo; done
}
perdev() { # one line per event, keys sorted, from udevadm monitor's stream $1
	awk -v want="$1" '
		/^(KERNEL|UDEV) *\[/ { on = ($1 ~ "^" want); n = 0; next }
		on && /^$/ { s = ""; for (i = 1; i <= n; i++) s = s k[i] " "; print s; on = 0; next }
		on && /^(SEQNUM|USEC_INITIALIZED)=/ { next }
		on && /^ACTION=/ { k[++n] = substr($0, 8); next }
		on && /^DEVPATH=/ { k[++n] = substr($0, 9); next }
		on { k[++n] = $0 }' "$TMP/mon.txt" |
		while read -r line; do printf '%s\n' $line | sort | tr '\n' ' '; echo; done
}
is "$(perdev KERNEL | sort)" "$(norm | sort)" "udevadm's kernel stream: the same events and keys"
is "$(perdev UDEV | sort)" "$(norm | sort)" "udevadm's udev stream (udevd's rebroadcast): the same events and keys"
is "$(perdev UDEV | grep " $M ")" "$(norm | grep " $M ")" \
	"udev stream: the mdev's own events in the kernel's order"
is "$(cat "$TMP/py.txt")" "add $M DRIVER=
bind $M DRIVER=vfio_ap_mdev
unbind $M DRIVER=
remove $M DRIVER=" "pyudev (udevd's rebroadcast): the mdev's add, bind, unbind, remove"
[ -s "$TMP/py.err" ] && sed 's/^/# pyudev: /' "$TMP/py.err"
done_testing
