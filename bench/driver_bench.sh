#!/bin/sh
# Validator cost on the driver workload, in one run (issue 3):
#   checking on / off in the same process (run-time switch), the validator
#   compiled out (-Dlockdep=false), and the same workload under TSan.
# usage: bench/driver_bench.sh [iterations] [rounds]   (builds into build-bench-*)
set -e
cd "$(dirname "$0")/.."
it=${1:-200}
rd=${2:-11}
setup() { # dir, args...
	d=$1
	shift
	[ -f "$d/build.ninja" ] || meson setup "$d" "$@" >/dev/null
	ninja -C "$d" bench/driver_bench >/dev/null
}
setup build-bench-opt --buildtype=release
setup build-bench-nold --buildtype=release -Dlockdep=false
CC=clang setup build-bench-tsan --buildtype=release -Db_sanitize=thread -Db_lundef=false
res() { sed -n "s/^RESULT $1=\([0-9.]*\).*/\1/p; s/^RESULT .* $1=\([0-9.]*\).*/\1/p" | head -1; }
a=$(build-bench-opt/bench/driver_bench "$it" "$rd")
echo "$a" | grep -v RESULT
b=$(build-bench-nold/bench/driver_bench "$it" "$rd")
echo "$b" | grep -v RESULT
c=$(TSAN_OPTIONS="detect_deadlocks=0 report_mutex_bugs=0" build-bench-tsan/bench/driver_bench \
	"$(( it / 10 + 1 ))" "$rd")
on=$(echo "$a" | res on_us)
off=$(echo "$a" | res off_us)
nold=$(echo "$b" | res on_us)
tsan=$(echo "$c" | res off_us)
awk -v on="$on" -v off="$off" -v nold="$nold" -v tsan="$tsan" 'BEGIN {
	printf "summary (median us per iteration):\n";
	printf "  validator on %.1f, off %.1f, compiled out %.1f, TSan (validator off) %.1f\n", on, off, nold, tsan;
	printf "  on/off %.2fx   on/compiled-out %.2fx   TSan/compiled-out %.1fx\n", on / off, on / nold, tsan / nold;
}'
