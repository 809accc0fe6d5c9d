#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - build every libFuzzer target with clang
# (ASan + UBSan) in its own build directory and run each for SECONDS
# (default 60) on a copy of its committed corpus (tests/fuzz/corpus/TARGET).
# Fails on any crash, sanitizer report or failed check. BUILD=dir overrides
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
fail=0
for t in $targets; do
	T=$(echo "$t" | tr a-z A-Z)
	exe=$build/fuzz-$t
	clang -O1 -g -fsanitize=fuzzer,$san -fno-sanitize-recover=undefined -D_GNU_SOURCE \
		-DFUZZ_$T -I"$src/src" "$src/tests/fuzz/fuzz_targets.c" "$build/libvas.a" \
		-lpthread -o "$exe"
	work=$build/corpus-$t
	rm -rf "$work"
	mkdir -p "$work"
	cp "$src/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
	if UBSAN_OPTIONS=halt_on_error=1 "$exe" -max_total_time="$secs" -max_len=4096 \
		-print_final_stats=0 "$work" >"$build/fuzz-$t.log" 2>&1; then
		echo "fuzz-$t: ok ($(grep -c . "$build/fuzz-$t.log") log lines, $(ls "$work" | wc -l) corpus inputs)"
	else
		tail -40 "$build/fuzz-$t.log"
		echo "fuzz-$t: FAILED"
		fail=1
	fi
done
exit $fail
