#!/bin/sh
# The whole test job: four builds, every suite, one summary line at the end.
set -u
total_ok=0
total_fail=0
run() { # name, meson setup args...
	name=$1
	shift
	dir=build-$name
	[ "$name" = gcc ] && dir=build
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; total_fail=$((total_fail + 1)); return; }
	fi
	if ! ninja -C "$dir" >"$dir.ninja.log" 2>&1; then
		tail -50 "$dir.ninja.log"
		echo "$name: build failed"
		total_fail=$((total_fail + 1))
		return
	fi
	out=$(scripts/run-tests.sh "$dir" 2>&1)
	echo "$out" | sed "s/^/[$name] /" | tail -60
	line=$(echo "$out" | tail -1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	total_ok=$((total_ok + ${p:-0}))
	total_fail=$((total_fail + ${f:-1}))
}
run gcc
CC=clang run clang -Dtsa=true
run asan -Db_sanitize=address,undefined -Db_lundef=false
# TSan's own deadlock detector would flag the validator self-tests' deliberate
# inversions and misuse (serialised, they cannot hang): lock order and lock
# misuse are our validator's job,
# TSan is here for data races.
export TSAN_OPTIONS="detect_deadlocks=0 report_mutex_bugs=0 halt_on_error=1"
CC=clang run tsan -Db_sanitize=thread -Db_lundef=false
# libFuzzer: every store parser, the config-file and the script parser, 30 s each
# (two at a time on two cores), on the committed corpora.
fuzz=$(tests/fuzz/run.sh "${FUZZ_SECONDS:-30}" 2>&1)
echo "$fuzz" | sed 's/^/[fuzz] /' | tail -60
total_ok=$((total_ok + $(echo "$fuzz" | grep -c ': ok (')))
total_fail=$((total_fail + $(echo "$fuzz" | grep -c ': FAILED')))
echo "$fuzz" | grep -q ': ok (' || total_fail=$((total_fail + 1))
echo "$total_ok passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
