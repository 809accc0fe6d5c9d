# SPDX-License-Identifier: MIT
# lib.sh - shared helpers of the sandbox tests (sourced; bash): TAP output,
# a private temporary directory, waiting for a line in a file, and the
# identities of the sandbox's namespaces and processes for leak checks.
#
# Usage: . lib.sh PATH/TO/vfio-ap-sim; then ok/is/like; finish with done_testing.
# Waits are for events, never against a deadline: HANG_GUARD (seconds) only
# ends a real hang with a message.

VAS=$(realpath "${1:?usage: $0 path/to/vfio-ap-sim}")
TAP_N=0
TAP_FAILED=0
HANG_GUARD=${HANG_GUARD:-300}
TMP=$(mktemp -d /tmp/vas-sandbox.XXXXXX)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT

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
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/#   /' | head -60
	fi
}

like() { # like ACTUAL GLOB DESCRIPTION
	# shellcheck disable=SC2053
	if [[ $1 == $2 ]]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | head -30 | sed 's/^/#   got: /'
	fi
}

# wait_line FILE FIXED-STRING: until a line of FILE contains the string; 1 at the hang guard
wait_line() {
	local end=$((SECONDS + HANG_GUARD))
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# hang guard: '$2' never appeared in $1"
			return 1
		fi
		sleep 0.02
	done
}

# wait_file FILE: until FILE exists; 1 at the hang guard
wait_file() {
	local end=$((SECONDS + HANG_GUARD))
	until [ -e "$1" ]; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# hang guard: $1 never appeared"
			return 1
		fi
		sleep 0.02
	done
}

# gone IDS...: none of these namespaces ("net:[4026532182]") is held by any process
gone() {
	local all id
	all=$(readlink /proc/[0-9]*/ns/user /proc/[0-9]*/ns/mnt /proc/[0-9]*/ns/net \
		/proc/[0-9]*/ns/pid 2>/dev/null)
	for id in "$@"; do
		grep -qxF "$id" <<<"$all" && return 1
	done
	return 0
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}
