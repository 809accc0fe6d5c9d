#!/bin/sh
# determinism.sh VFIO_AP_SIM: the same seed and thread count give every
# thread the same operation sequence, so two runs of --ops N agree on how
# often each operation ran (results may differ: interleavings do).
exe=$1
shift
counts() {
	"$exe" torture --ops 6000 --seed 42 -t 3 -g 2 -q --watchdog 120 --json "$@" 2>/dev/null |
		grep -o '"[a-z_0-9]*":{"count":[0-9]*'
}
a=$(counts "$@") b=$(counts "$@") c=$(counts --seed 43 "$@")
[ -n "$a" ] || { echo "no JSON"; exit 1; }
[ "$a" = "$b" ] || { echo "same seed, different op counts"; exit 1; }
[ "$a" != "$c" ] || { echo "different seed, same op counts"; exit 1; }
echo "same seed: same op counts; other seed: different"
