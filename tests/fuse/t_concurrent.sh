#!/bin/bash
# SPDX-License-Identifier: MIT
# t_concurrent.sh - concurrent writers through the mount: 8 processes
# create 8 mdevs at once, then each assigns/unassigns its own domains on
# its own mdev in a loop; then 8 processes hammer one mdev. The final
# matrices are checked exactly and the lock validator must stay quiet.
# TAP on stdout.
. "$(dirname "$0")/lib.sh" "$@"

M=$MP/devices/vfio_ap/matrix
T=$M/mdev_supported_types/vfio_ap-passthrough
ROUNDS=${ROUNDS:-20}
uuid() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }

vas_mount
ok $? "mounted"
is "$(wr "$MP/bus/ap/apmask" "$(mask_without 3 4 5 6)")" "" "adapters 3-6 to vfio_ap"

for i in $(seq 0 7); do wr "$T/create" "$(uuid "$i")" & done
wait
n=$(ls -d "$M"/*-0000-4000-8000-* 2>/dev/null | wc -l)
is "$n" 8 "8 concurrent creates: 8 mdevs"

# w FILE VALUE: one write, with its error message (if any) appended to the
# file $errs. No command substitution: a subshell per write would cost a
# fork each, thousands of them, and the forks, not the writes, would be
# what the test measures.
w() { { printf '%s' "$2" >"$1"; } 2>>"$errs"; }

# failed NAME: true (after printing them) if the writes left errors in $errs
failed() {
	[ -s "$errs" ] || return 1
	sed "s/^/$1: /" "$errs" >&2
}

# writer I: adapters 3-6, domains 2I and 2I+1, control domain I, ROUNDS times
writer() {
	local d=$M/$(uuid "$1") r a errs=$TMP/writer.$1
	: >"$errs"
	for ((r = 1; r <= ROUNDS; r++)); do
		for a in 3 4 5 6; do w "$d/assign_adapter" $a; done
		w "$d/assign_domain" $((2 * $1))
		w "$d/assign_domain" $((2 * $1 + 1))
		w "$d/assign_control_domain" "$1"
		[ "$r" = "$ROUNDS" ] && break
		w "$d/unassign_domain" $((2 * $1))
		w "$d/unassign_adapter" $((3 + r % 4))
	done
	! failed "writer $1"
}
pids=()
for i in $(seq 0 7); do writer "$i" & pids+=($!); done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
is "$bad" 0 "8 writers on 8 mdevs: every write succeeded"
bad=0
for i in $(seq 0 7); do
	want=$(for a in 3 4 5 6; do printf '%02x.%04x\n%02x.%04x\n' $a $((2 * i)) $a $((2 * i + 1)); done)
	[ "$(cat "$M/$(uuid "$i")/matrix")" = "$want" ] || bad=$((bad + 1))
done
is "$bad" 0 "every mdev's final matrix is exact"

for i in $(seq 0 7); do wr "$M/$(uuid "$i")/remove" 1 & done
wait
is "$(ls -d "$M"/*-0000-4000-8000-* 2>/dev/null | wc -l)" 0 "8 concurrent removes"

U=$(uuid 99)
wr "$T/create" "$U"
same() { # writer J on the shared mdev: domain J and adapter 3+J%4
	local d=$M/$U r errs=$TMP/same.$1
	: >"$errs"
	for ((r = 1; r <= ROUNDS; r++)); do
		w "$d/assign_domain" "$1"
		w "$d/assign_adapter" $((3 + $1 % 4))
		w "$d/assign_control_domain" "$1"
		[ "$r" = "$ROUNDS" ] || w "$d/unassign_domain" "$1"
	done
	! failed "same $1"
}
pids=()
for j in $(seq 0 7); do same "$j" & pids+=($!); done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
is "$bad" 0 "8 writers on one mdev: every write succeeded"
want=$(for a in 3 4 5 6; do for d in $(seq 0 7); do printf '%02x.%04x\n' $a $d; done; done)
is "$(cat "$M/$U/matrix")" "$want" "the shared mdev's final matrix is exact"
is "$(cat "$M/$U/control_domains" | tr '\n' ' ')" "0000 0001 0002 0003 0004 0005 0006 0007 " \
	"control domains of the shared mdev"
is "$(cat "$MP/sim/lockdep")" "" "no lock validator report"

umount "$MP"
unmounted_and_gone
ok $? "unmounted, no process left"
done_testing
