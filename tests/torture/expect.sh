#!/bin/sh
# expect.sh STATUS PATTERN CMD [ARGS...]: run CMD, pass when it exits with
# STATUS and its output (stdout and stderr) contains the fixed string PATTERN.
# The torture CI tests use it for the runs that must FAIL (busted,
# v18-blocking) and to require the SUCCESS line of the others.
want=$1 pat=$2
shift 2
out=$("$@" 2>&1)
got=$?
if [ "$got" -ne "$want" ] || ! printf '%s\n' "$out" | grep -qF -- "$pat"; then
	printf '%s\n' "$out" | tail -60
	echo "expect.sh: wanted status $want and '$pat', got status $got"
	exit 1
fi
printf '%s\n' "$out" | grep -E 'SUCCESS|FAILURE|coverage|ops:|WARNING:|WATCHDOG' | head -12
exit 0
