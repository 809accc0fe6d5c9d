#!/bin/bash
# SPDX-License-Identifier: MIT
# t_rootless.sh - the sandbox without root (docs/sandbox.md): run as
# nobody, where the kernel lets an unprivileged user create a user
# namespace; otherwise the test is skipped with the kernel's answer as the
# reason. Inside: root of its own user namespace (only its own uid mapped),
# the model over /sys, events on the sandbox's uevent socket (a raw
# listener sees an mdev's creation), a real udevd (--udevd) that
# coldplugs, and nothing left behind.
# Usage: t_rootless.sh PATH/TO/vfio-ap-sim   (root, to become nobody; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
PY=/usr/bin/python3
U=4a4b4c4d-0000-4000-8000-000000000001
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
why=$("${AS_NOBODY[@]}" unshare -U true 2>&1) || {
	echo "1..0 # SKIP unprivileged user namespaces are not available here: ${why:-unshare failed}"
	exit 0
}
mkdir -p "$TMP/w"
chown 65534:65534 "$TMP/w"
cat > "$TMP/w/listen.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
s.settimeout(300)  # a hang guard: an event that never comes ends the listener
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "w", buffering=1) as out:
    while True:
        d = s.recv(65536)
        out.write(d.split(b"\0")[0].decode() + "\n")
        if d.startswith(b"bind@"):
            break
PYEOF
# the inner script needs nothing from the source tree, which nobody may not be able to read
# (a clone under a 0700 directory)
cat > "$TMP/w/inner.sh" <<IN
W=$TMP/w
readlink /proc/self/ns/user /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid | tr '\n' ' ' > \$W/ns
{ id -u; cat /proc/self/uid_map | tr -s ' '; cat /sys/bus/ap/bindings; } > \$W/view
ls /run/udev/data | grep -c '^c10:232\$' > \$W/udevdb
$PY \$W/listen.py \$W/events &
n=0
until [ -e \$W/events.ready ] || [ \$((n += 1)) -gt $((HANG_GUARD * 50)) ]; do sleep 0.02; done
echo $U > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
wait
IN
"${AS_NOBODY[@]}" "$VAS" sandbox --udevd -- bash "$TMP/w/inner.sh"
ok $? "nobody runs a --udevd sandbox"
is "$(cat "$TMP/w/view")" "0
 0 65534 1
64/64 (complete)" "inside: uid 0, only the caller's uid mapped, the model over /sys"
is "$(cat "$TMP/w/udevdb")" 1 "udevd coldplugged (/run/udev/data/c10:232)"
is "$(cat "$TMP/w/events")" "add@/devices/vfio_ap/matrix/$U
add@/devices/virtual/vfio/0
add@/devices/vfio_ap/matrix/$U/vfio-dev/vfio0
bind@/devices/vfio_ap/matrix/$U" "an mdev's events on the sandbox's uevent socket"
# shellcheck disable=SC2046
gone $(cat "$TMP/w/ns")
ok $? "nothing left behind"
done_testing
