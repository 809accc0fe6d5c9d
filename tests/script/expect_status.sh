#!/bin/sh
# SPDX-License-Identifier: MIT
#
# expect_status.sh - runs a command and passes when it exits with the
# expected status (and, optionally, prints an expected text), so that
# tests can demand failure: a script that must fail (1), a script that
# must not parse (2), a command line that must be refused (2).
#
#   expect_status.sh STATUS [--stdin FILE] [--out TEXT] [--err TEXT] CMD [ARG...]
#
# --out / --err: TEXT must occur (fixed string) in stdout / stderr.
# Exit 0 when all holds, else 1 with what differed on stderr.

want=$1; shift
stdin=/dev/null out= err=
while :; do
	case $1 in
	--stdin) stdin=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--err) err=$2; shift 2 ;;
	*) break ;;
	esac
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
got=$?
fail=0
if [ "$got" != "$want" ]; then
	echo "exit status $got, expected $want" >&2
	fail=1
fi
if [ -n "$out" ] && ! grep -qF -- "$out" "$tmp/out"; then
	echo "stdout lacks: $out" >&2
	fail=1
fi
if [ -n "$err" ] && ! grep -qF -- "$err" "$tmp/err"; then
	echo "stderr lacks: $err" >&2
	fail=1
fi
if [ $fail != 0 ]; then
	echo "--- stdout:" >&2; cat "$tmp/out" >&2
	echo "--- stderr:" >&2; cat "$tmp/err" >&2
fi
exit $fail
