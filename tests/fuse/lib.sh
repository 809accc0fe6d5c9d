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

unmounted_and_gone() { # true when MP is no mount and no server serves it
	local i
	for i in $(seq 50); do
		if ! grep -q " $MP " /proc/mounts && ! pgrep -f "mount.* $MP\$" >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

vas_mount() { "$VAS" mount "$@" "$MP"; }

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
