#!/bin/bash
# SPDX-License-Identifier: MIT
# t_lifecycle.sh - how the server starts and ends (design.md §10):
# command-line errors exit 2 without mounting; -f stays in the foreground
# and ends with status 0 on SIGTERM, SIGINT and umount; -o allow_other
# lets another user read (and still not write) the tree. TAP on stdout.
. "$(dirname "$0")/lib.sh" "$@"

"$VAS" mount 2>/dev/null
is "$?" 2 "no MOUNTPOINT: exit 2"
"$VAS" mount --variant nope "$MP" 2>/dev/null
is "$?" 2 "bad variant: exit 2"
"$VAS" mount -c "$TMP/none.conf" "$MP" 2>/dev/null
is "$?" 2 "missing config file: exit 2"
printf 'card 0x03 type=CEX9Z\n' > "$TMP/bad.conf"
msg=$("$VAS" mount -c "$TMP/bad.conf" "$MP" 2>&1)
is "$?" 2 "bad config line: exit 2"
case $msg in *bad.conf:1:*) ok 0 "message names file and line";; *) ok 1 "names file:line: $msg";; esac
"$VAS" mount "$TMP/nodir" 2>/dev/null
is "$?" 2 "missing mountpoint dir: exit 2"
grep -q " $MP " /proc/mounts
is "$?" 1 "nothing mounted by the failures"

for sig in TERM INT; do
	# a background job inherits SIGINT ignored; libfuse then leaves it so
	env --default-signal=INT "$VAS" mount -f "$MP" 2>/dev/null &
	pid=$!
	wait_mounted "$pid"
	ok $? "-f: mounted (SIG$sig round)"
	kill -s "$sig" "$pid"
	reap "$pid"
	is "$?" 0 "SIG$sig: exit status 0"
	unmounted_and_gone
	ok $? "SIG$sig: unmounted, no process left"
done

"$VAS" mount -f -o allow_other "$MP" 2>/dev/null &
pid=$!
wait_mounted "$pid"
ok $? "-f -o allow_other: mounted"
is "$(su nobody -s /bin/sh -c "cat '$MP/bus/ap/ap_max_domain_id'" 2>&1)" "255" \
	"allow_other: another user reads"
out=$(su nobody -s /bin/bash -c "printf 0 > '$MP/bus/ap/apmask'" 2>&1)
case $out in *"Permission denied"*) ok 0 "another user cannot write";; *) ok 1 "nobody wrote: $out";; esac
umount "$MP"
reap "$pid"
is "$?" 0 "umount ends a -f server with status 0"
unmounted_and_gone
ok $? "no process left after umount"

done_testing
