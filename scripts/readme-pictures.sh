#!/bin/sh
# readme-pictures.sh [BUILDDIR] - the two pictures of README.md ("A look at
# the grid"): mounts the default host in a temporary directory, replays the
# walk-through of `vfio-ap-sim demo` up to its clean-up (two mdevs, one
# with a guest, a refused assignment in sim/dmesg), prints
# `vfio-ap-sim top --once` of that state, and renders the lock-class graph
# the walk-through produced (sim/lockdep_graph) with Graphviz into
# docs/lockdep-graph.svg. Needs root, /dev/fuse and graphviz (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
vas=${1:-build}/src/cli/vfio-ap-sim
tmp=$(mktemp -d /tmp/vas-pictures.XXXXXX)
mp=$tmp/sys
mkdir "$mp"
trap 'umount "$mp" 2>/dev/null; rm -rf "$tmp"' EXIT
"$vas" mount "$mp"
u=2b7ea9f4-1d57-4bd8-9a3c-5e2f6c0d8a11
u2=6c1d0e58-33af-4e0b-b1a4-8f2d7e9c4b02
t=$mp/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
m1=$mp/devices/vfio_ap/matrix/$u
m2=$mp/devices/vfio_ap/matrix/$u2
w() { printf '%s' "$2" >"$1" 2>/dev/null || true; } # the refused writes are part of the story
w "$mp/bus/ap/apmask" -0x03-0x04
w "$mp/bus/ap/aqmask" -0x05-0x06
w "$t/create" $u
w "$m1/assign_adapter" 0x03
w "$m1/assign_domain" 0x05
w "$m1/assign_control_domain" 0x05
w "$mp/sim/guests/start" $u
w "$m1/assign_adapter" 0x04
w "$m1/assign_domain" 0x06
w "$m1/unassign_adapter" 0x04
w "$mp/sim/host/usage_domains" -0x06
w "$mp/sim/host/usage_domains" +0x06
w "$t/create" $u2
w "$m2/assign_domain" 0x05
w "$m2/assign_adapter" 0x03
w "$m2/assign_adapter" 0x05
w "$m2/assign_domain" 0x07
w "$mp/bus/ap/aqmask" +0x05
"$vas" top --once "$mp" | sed "s|$mp|/tmp/sys|" | sed '/^locks (/,$d'
dot -Tsvg -o docs/lockdep-graph.svg "$mp/sim/lockdep_graph"
echo "docs/lockdep-graph.svg written" >&2
w "$mp/sim/guests/stop" $u
