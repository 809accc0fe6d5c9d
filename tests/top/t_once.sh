#!/bin/bash
# SPDX-License-Identifier: MIT
# t_once.sh - `vfio-ap-sim top --once` (docs/top.md) on scripted states of a
# real mount of the default host, compared line for line with
# tests/top/expected/STATE.txt: the default host; masks changed; two mdevs,
# one with a guest; an adapter filtered out (one of its queues unbound); a
# deconfigured card and a domain the HMC took away. On the mount the lock
# panel depends on how FUSE's own threads met, so it is compared only on a
# `cp -r` copy of the tree whose sim/lock_stat is replaced by a fixture
# (expected/copy.txt): that also shows top reading a plain directory.
# A root without bus/ap: one line on stderr, exit 2. TAP on stdout.
# VAS_UPDATE_EXPECTED=1 writes what top printed into expected/ instead
# (review the diff before committing it).
. "$(dirname "$0")/../fuse/lib.sh" "$@"
EXP=$(dirname "$0")/expected
U1=11111111-2222-4333-8444-555555555555
U2=66666666-7777-4888-9999-aaaaaaaaaaaa
T=devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create

once() { # ROOT: the picture with the root path folded to ROOT, no lock panel
	"$VAS" top --once "$1" | sed "s|$1|ROOT|" | sed '/^locks (/,$d'
}

same() { # NAME ACTUAL: compares with expected/NAME.txt
	local want
	[ -n "${VAS_UPDATE_EXPECTED:-}" ] && printf '%s\n' "$2" >"$EXP/$1.txt"
	want=$(cat "$EXP/$1.txt")
	if [ "$2" = "$want" ]; then
		ok 0 "--once: $1"
	else
		ok 1 "--once: $1"
		diff <(echo "$want") <(echo "$2") | sed 's/^/#   /'
	fi
}

w() { printf '%s' "$2" > "$MP/$1" || echo "# write $1 <- $2 failed"; }

vas_mount
ok $? "mounted"
same default "$(once "$MP")"

w bus/ap/apmask -0x05
w bus/ap/aqmask -0x03,-0x04
same masks "$(once "$MP")"

w $T $U1
w $T $U2
M1=devices/vfio_ap/matrix/$U1
M2=devices/vfio_ap/matrix/$U2
w $M1/assign_adapter 5
w $M1/assign_domain 3
w $M1/assign_domain 4
w $M1/assign_control_domain 3
w $M2/assign_adapter 3
w $M2/assign_adapter 4
w $M2/assign_domain 4
w $M2/assign_control_domain 4
w $M2/assign_control_domain 5
w sim/guests/start $U1
printf 5 > "$MP/$M2/assign_adapter" 2>/dev/null # 05.0004 is mdev 1's: EADDRINUSE, logged
is "$?" 1 "a conflicting assignment fails (and is logged in sim/dmesg)"
same mdevs "$(once "$MP")"

# adapter 06 joins mdev 1; its queue 06.0004 leaves vfio_ap: the whole
# adapter stays out of the guest (design.md §5.1)
w bus/ap/drivers/vfio_ap/unbind 06.0004
w $M1/assign_adapter 6
same filtered "$(once "$MP")"

# card 04 deconfigured (its queues answer 03); the HMC takes domain 4 away
w devices/ap/card04/config 0
w sim/host/usage_domains -0x04
same deconfigured "$(once "$MP")"

mkdir "$TMP/copy"
cp -r "$MP/." "$TMP/copy/" 2>/dev/null # write-only files cannot be read: not copied
cp "$EXP/lock_stat.fixture" "$TMP/copy/sim/lock_stat"
got=$("$VAS" top --once "$TMP/copy" | sed "s|$TMP/copy|ROOT|")
same copy "$got"

out=$("$VAS" top --once "$TMP" 2>&1 >/dev/null)
is "$?" 2 "a root without bus/ap: exit 2"
is "$out" "vfio-ap-sim top: $TMP: not an AP system (no $TMP/bus/ap)" "... and one line saying so"
"$VAS" top --once "$TMP/none" 2>/dev/null
is "$?" 2 "a missing root: exit 2"

w sim/guests/stop $U1
umount "$MP"
unmounted_and_gone
ok $? "unmounted, no server left"
done_testing
