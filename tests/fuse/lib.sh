# SPDX-License-Identifier: MIT
# lib.sh - shared helpers of the FUSE tests (sourced; bash): TAP output,
# a private mount of the simulated host in a temporary directory, and
# write helpers that report the errno text of a failed write.
#
# Usage in a test: . lib.sh "$@"  (argument 1: the vfio-ap-sim binary)
# then vas_mount [ARGS...]; checks with ok/is/fails_with; finish with done_testing.

VAS=$(realpath "${1:?usage: $0 path/to/vfio-ap-sim}")
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d /tmp/vas-fuse.XXXXXX)
MP=$TMP/mnt
mkdir "$MP"
chmod 755 "$TMP" # other users reach the mount (allow_other tests)

ok() { # ok STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() { # is ACTUAL EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   expected: %q\n#     actual: %q\n' "$2" "$1"
	fi
}

# Writes VALUE (no newline added) to FILE as mdevctl does; prints the
# errno text of a failure ("" on success).
wr() {
	local out
	out=$( { printf '%s' "$2" > "$1"; } 2>&1 ) && return 0
	printf '%s' "${out##*: }"
}

fails_with() { # fails_with 'errno text' FILE VALUE DESCRIPTION
	is "$(wr "$2" "$3")" "$1" "$4"
}

# Waiting is for events, never against a deadline: a slow machine makes a
# test slower, not failing. HANG_GUARD (seconds) bounds each wait only so
# that a real hang ends with a message; it is never reached when all is well.
HANG_GUARD=300

mounted() { # true when MP is a mount point now (no fork: polled in loops)
	local dev mp rest
	while read -r dev mp rest; do
		[ "$mp" = "$MP" ] && return 0
	done </proc/mounts
	return 1
}

alive() { # PID: true while the process exists and is no zombie
	local st
	read -r st 2>/dev/null </proc/"$1"/stat || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

wait_mounted() { # PID: until MP is mounted; 1 if PID ended first or at HANG_GUARD
	local end=$((SECONDS + HANG_GUARD))
	until mounted; do
		alive "$1" || return 1
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# hang guard: $MP not mounted after $HANG_GUARD s"
			return 1
		fi
		sleep 0.05
	done
}

reap() { # PID (a child of this shell): waits for its exit, returns its status
	local end=$((SECONDS + HANG_GUARD))
	while alive "$1"; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# hang guard: process $1 still runs after $HANG_GUARD s; killed"
			kill -KILL "$1"
			break
		fi
		sleep 0.05
	done
	wait "$1"
}

# A daemon-mode server (vas_mount) is not our child, so it cannot be
# reaped. It inherits fd 9, the write end of a FIFO whose read end this
# shell keeps in SERVER_FD; nothing is ever written, so end of file there
# means the last holder is gone: the server has exited.
SERVER_FD=

vas_mount() {
	local fifo=$TMP/server.fifo rw rc
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	exec {rw}<>"$fifo" # a reader and a writer: the opens below do not block
	if [ -n "$SERVER_FD" ]; then exec {SERVER_FD}<&-; fi
	exec {SERVER_FD}<"$fifo"
	"$VAS" mount "$@" "$MP" 9>"$fifo"
	rc=$?
	exec {rw}>&-
	rm -f "$fifo"
	return $rc
}

server_exited() { # waits for the vas_mount server to exit; 1 at HANG_GUARD
	local line rc
	[ -n "$SERVER_FD" ] || return 0
	while :; do # nothing is ever written: a line is unexpected, not an end
		read -r -t "$HANG_GUARD" -u "$SERVER_FD" line
		rc=$?
		[ "$rc" -eq 0 ] || break
	done
	exec {SERVER_FD}<&-
	SERVER_FD=
	if [ "$rc" -gt 128 ]; then
		echo "# hang guard: the server still runs $HANG_GUARD s after the unmount"
		return 1
	fi
}

unmounted_and_gone() { # after an unmount: the server has exited, MP is no mount
	server_exited || return 1
	! mounted && ! pgrep -f "mount.* $MP\$" >/dev/null
}

cleanup() {
	if grep -q " $MP " /proc/mounts; then
		umount "$MP" 2>/dev/null || umount -l "$MP" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}

# Absolute apmask/aqmask value with the given ids cleared (MSB-first).
mask_without() {
	python3 - "$@" <<'PY'
import sys
v = (1 << 256) - 1
for a in sys.argv[1:]:
    v &= ~(1 << (255 - int(a, 0)))
print("0x%064x" % v)
PY
}
