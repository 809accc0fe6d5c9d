#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - build every libFuzzer target with clang
# (ASan + UBSan) in its own build directory and run each for SECONDS
# (default 60) on a copy of its committed corpus (tests/fuzz/corpus/TARGET).
# Runs JOBS targets at a time (default nproc). Fails on any crash, sanitizer report or failed check. BUILD=dir overrides
# the build directory (default build-fuzz).
set -eu
secs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$src/build-fuzz}
targets="kstrtoul mask ap_config uuid list config script"
san="address,undefined"
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Db_sanitize=$san -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link -Dfuse=disabled >"$build.setup.log" 2>&1 ||
		{ cat "$build.setup.log"; exit 1; }
fi
ninja -C "$build" libvas.a >/dev/null
for t in $targets; do
	T=$(echo "$t" | tr a-z A-Z)
	clang -O1 -g -fsanitize=fuzzer,$san -fno-sanitize-recover=undefined -D_GNU_SOURCE \
		-DFUZZ_$T -I"$src/src" "$src/tests/fuzz/fuzz_targets.c" "$build/libvas.a" \
		-lpthread -o "$build/fuzz-$t"
done

# One target: copy its corpus, fuzz for $secs, leave ok/FAILED in fuzz-T.verdict.
run_one() {
	t=$1
	work=$build/corpus-$t
	rm -rf "$work"
	mkdir -p "$work"
	cp "$src/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
	if UBSAN_OPTIONS=halt_on_error=1 "$build/fuzz-$t" -max_total_time="$secs" -max_len=4096 \
		-print_final_stats=0 "$work" >"$build/fuzz-$t.log" 2>&1; then
		echo "fuzz-$t: ok ($(ls "$work" | wc -l) corpus inputs)" >"$build/fuzz-$t.verdict"
	else
		echo "fuzz-$t: FAILED" >"$build/fuzz-$t.verdict"
	fi
}

# JOBS targets at a time (default: the number of CPUs).
jobs=${JOBS:-$(nproc)}
n=0
for t in $targets; do
	run_one "$t" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait
fail=0
for t in $targets; do
	cat "$build/fuzz-$t.verdict"
	if grep -q FAILED "$build/fuzz-$t.verdict"; then
		tail -40 "$build/fuzz-$t.log"
		fail=1
	fi
done
exit $fail
