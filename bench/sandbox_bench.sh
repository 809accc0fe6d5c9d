#!/bin/sh
# The sandbox's costs (issue 9), medians over ROUNDS runs:
#   `vfio-ap-sim sandbox -- true` start to exit, and its ratio to
#   `unshare -m true`; the same with --udevd (udevd start, coldplug,
#   settle); and the latency of a uevent from the write(2) that causes it
#   to a listener on the kernel's group and, through udevd, on udev's
#   (bench/uevent_latency.c, run inside a --udevd sandbox).
# usage: bench/sandbox_bench.sh [BUILDDIR] [ROUNDS] [EVENTS]   (root, /dev/fuse)
set -e
cd "$(dirname "$0")/.."
b=${1:-build}
rounds=${2:-21}
events=${3:-200}
ninja -C "$b" src/cli/vfio-ap-sim bench/uevent_latency >/dev/null
vas=$b/src/cli/vfio-ap-sim
ms() { # median milliseconds of ROUNDS runs of "$@"
	i=0
	while [ "$i" -lt "$rounds" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 ))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}
base=$(ms unshare -m true)
sb=$(ms "$vas" sandbox -- true)
ud=$(ms "$vas" sandbox --udevd -- true)
echo "median start to exit over $rounds runs:"
echo "  unshare -m true                $base ms"
awk -v s="$sb" -v b="$base" 'BEGIN { printf "  vfio-ap-sim sandbox -- true    %.1f ms  (%.0fx unshare -m true; goal <= 300 ms)\n", s, s / b }'
echo "  vfio-ap-sim sandbox --udevd    $ud ms  (goal <= 1500 ms)"
echo "event latency from the write(2), $events of each:"
"$vas" sandbox --udevd -- "$b/bench/uevent_latency" "$events" | sed 's/^/  /'
