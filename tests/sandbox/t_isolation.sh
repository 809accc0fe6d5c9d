#!/bin/bash
# SPDX-License-Identifier: MIT
# t_isolation.sh - nothing crosses the sandbox's walls (docs/sandbox.md):
#  - no simulated event reaches a listener in the host's network namespace,
#    while that listener does receive the real kernel's events (a FUSE
#    mount announces its bdi device: the positive control);
#  - no real kernel event of the host reaches a listener in the sandbox
#    (the host mounts a FUSE file system while the sandbox listens);
#  - no mount, process or namespace remains after a normal exit, after the
#    command is killed with SIGKILL, after the server is killed (the
#    command then gets ENOTCONN, not a hang), and after the sandbox
#    command itself is killed with SIGKILL.
# Listeners are raw sockets on the kernel's group 1, as udevd's.
# Usage: t_isolation.sh PATH/TO/vfio-ap-sim   (root, /dev/fuse; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
PY=/usr/bin/python3
MARK=5e1f0c3a-8d2b-4c6e-9f70-a1b2c3d4e5f6
END=5e1f0c3a-8d2b-4c6e-9f70-00000000e0d0
U=7c2f3a4b-1d2e-4f50-8a9b-0c1d2e3f4a5b

cat > "$TMP/listen.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
open(sys.argv[1] + ".ready", "w").close()
stop = ("SYNTH_UUID=" + sys.argv[2]).encode() if len(sys.argv) > 2 else None
with open(sys.argv[1], "w", buffering=1) as out:
    while True:
        parts = s.recv(65536).split(b"\0")
        out.write(" ".join(p.decode(errors="replace") for p in parts if p) + "\n")
        if stop and stop in parts:
            break
PYEOF

ours() { grep -E "/devices/ap|/devices/vfio_ap|/bus/(ap|matrix|mdev)|/module/vfio_ap|/devices/virtual/(vfio|misc/kvm)|$MARK|$END" "$1"; }
sandbox_gone() { # NSFILE: its namespaces are held by no process, no server runs
	local ids
	ids=$(cat "$1") && [ -n "$ids" ] || return 1
	# shellcheck disable=SC2086
	gone $ids
}
leaked_mounts() { grep -E "/run/vfio-ap-sim|fuse.vfio-ap-sim.*/sys/" /proc/self/mountinfo; }

# --- events, both ways -------------------------------------------------------
$PY "$TMP/listen.py" "$TMP/host.txt" &
HOST=$!
wait_file "$TMP/host.txt.ready"
cat > "$TMP/inner.sh" <<IN
. $(dirname "$0")/lib.sh "$VAS"
echo "\$(readlink /proc/self/ns/user) \$(readlink /proc/self/ns/mnt) \$(readlink /proc/self/ns/net) \$(readlink /proc/self/ns/pid)" > $TMP/ns-a
$PY $TMP/listen.py $TMP/sb.txt $END &
L=\$!
wait_file $TMP/sb.txt.ready
echo -0x03 > /sys/bus/ap/apmask
echo $U > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
echo $U > \$VAS_SIM/guests/start && echo $U > \$VAS_SIM/guests/stop
echo "change $MARK" > /sys/devices/ap/card03/uevent
echo "add $MARK" > /sys/bus/ap/uevent
touch $TMP/sb-ready
wait_file $TMP/host-done
echo "change $END" > /sys/bus/ap/uevent
wait \$L
IN
"$VAS" sandbox -- bash "$TMP/inner.sh" &
SB=$!
wait_file "$TMP/sb-ready"
# a real kernel event in the host: a FUSE mount (in a private mount namespace) adds a bdi device
mkdir -p "$TMP/m"
unshare -m --propagation private sh -c "'$VAS' mount '$TMP/m' && umount '$TMP/m'"
wait_line "$TMP/host.txt" "remove@/devices/virtual/bdi/"
touch "$TMP/host-done"
wait "$SB"
ok $? "sandbox with a listener inside ran"
kill "$HOST"
wait "$HOST" 2>/dev/null
grep -q "^add@/devices/virtual/bdi/" "$TMP/host.txt"
ok $? "control: the host's listener receives the real kernel's events (bdi add/remove)"
is "$(ours "$TMP/host.txt")" "" "no simulated event reached the host's network namespace"
like "$(cat "$TMP/sb.txt")" "*APMASK=*SYNTH_UUID=$MARK*SYNTH_UUID=$MARK*SYNTH_UUID=$END*" \
	"control: the sandbox's listener received the simulated events"
is "$(grep -c /devices/virtual/bdi "$TMP/sb.txt")" 0 "no host event reached the sandbox (its FUSE mount's bdi)"
grep -q "EVENT=create" "$TMP/sb.txt" && grep -q "EVENT=destroy" "$TMP/sb.txt"
ok $? "... KVM's create/destroy too, inside only"

# --- leftovers ---------------------------------------------------------------------
wait_gone() { # NSFILE: until the sandbox's namespaces and processes are gone (hang guard)
	local end=$((SECONDS + HANG_GUARD))
	until sandbox_gone "$1"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
}
# Each check waits (hang guard) until no process holds the sandbox's namespaces:
# under load a check right after the exit saw one still held, now and then.
wait_gone "$TMP/ns-a"
ok $? "normal exit: no namespace, no process left"
is "$(leaked_mounts)" "" "normal exit: no mount in the host's mount table"

"$VAS" sandbox -- sh -c "readlink /proc/self/ns/user /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid | tr '\n' ' ' > $TMP/ns-b; kill -9 \$\$"
is "$?" 137 "command killed with SIGKILL: status 137"
wait_gone "$TMP/ns-b"
ok $? "... no namespace, no process left"

out=$("$VAS" sandbox -- sh -c "
	readlink /proc/self/ns/user /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid | tr '\n' ' ' > $TMP/ns-c
	kill -9 \$VAS_SANDBOX_SERVER_PID
	while [ -e /proc/\$VAS_SANDBOX_SERVER_PID ]; do sleep 0.01; done
	cat /sys/bus/ap/apmask 2>&1" 2>&1)
st=$?
like "$out" "*Transport endpoint is not connected*" "server killed: the command's reads fail with ENOTCONN"
like "$out" "*the server exited*" "... and the sandbox says what happened"
is "$st" 1 "... the sandbox exits with the command's status"
wait_gone "$TMP/ns-c"
ok $? "... no namespace, no process left"

"$VAS" sandbox -- sh -c "readlink /proc/self/ns/user /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/pid | tr '\n' ' ' > $TMP/ns-d; touch $TMP/d-ready; exec sleep 100000" &
SB=$!
wait_file "$TMP/d-ready"
kill -9 "$SB"
wait "$SB" 2>/dev/null
wait_gone "$TMP/ns-d"
ok $? "the sandbox command itself killed with SIGKILL: everything inside goes with it"
is "$(leaked_mounts)" "" "no mount in the host's mount table"
done_testing
