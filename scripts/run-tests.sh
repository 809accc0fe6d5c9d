#!/bin/sh
# Runs the test suite of one build directory and ends with "N passed, N failed".
# usage: scripts/run-tests.sh BUILDDIR [meson test args...]
# Every meson timeout is a hang guard, far above a test's time on a slow or
# loaded machine (no test waits against a deadline); VAS_TIMEOUT_MULTIPLIER
# (default 1) stretches them all for an unusually slow one, e.g. emulation.
b=$1
shift
meson test -C "$b" --print-errorlogs --timeout-multiplier "${VAS_TIMEOUT_MULTIPLIER:-1}" "$@" \
	>"$b/test-output.txt" 2>&1
rc=$?
grep -E '^ *[0-9]+/[0-9]+ ' "$b/test-output.txt" | sed 's/  */ /g'
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$b/test-output.txt")
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$b/test-output.txt")
xfail=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$b/test-output.txt")
tout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$b/test-output.txt")
skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$b/test-output.txt")
if [ $rc -ne 0 ]; then
	grep -B2 -A30 -E 'not ok|FAIL' "$b/test-output.txt" | head -200
fi
echo "$(( ${ok:-0} + ${xfail:-0} )) passed, $(( ${fail:-0} + ${tout:-0} )) failed, ${skip:-0} skipped"
exit $rc
