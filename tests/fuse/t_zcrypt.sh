#!/bin/bash
# SPDX-License-Identifier: MIT
# t_zcrypt.sh - the zcrypt side of a mounted default host, driven the way
# the s390-tools admin tools drive it (docs/zcrypt.md §7; the tools are
# not packaged for this architecture, so their file accesses are done by
# hand): chzcrypt -d/-e of a queue, a card and all cards (write without a
# newline, read back, compare), lszcrypt's STATUS and serial-number
# columns, zcryptctl create/addap/list/destroy (write "VALUE\n", read the
# class directory and each node's dev and masks), the 256-node limit; and
# the two page rules of design.md §11.2 and §13.4 over FUSE: a 256x256
# matrix reads as 4095 bytes of text, and a 65536-line sim/dmesg reads
# whole, has its length as size, and reads on from an open file's offset.
. "$(dirname "$0")/lib.sh" "$@"

D=$MP/bus/ap/devices
C=$MP/class/zcrypt

# chzcrypt's write: the value without a newline, then read back (util_file)
chz() { # FILE VALUE: 0 when the write and the read-back agree
	local v
	printf '%s' "$2" >"$1" 2>/dev/null
	read -r v <"$1" && [ "$v" = "$2" ]
}

# lszcrypt's STATUS of a device directory (zcrypt.md §7)
status() {
	local d=$1 config=1 chkstop=0 online
	read -r config <"$d/config"
	read -r chkstop <"$d/chkstop"
	if [ "$config" = 0 ]; then
		echo deconfig
	elif [ "$chkstop" -gt 0 ]; then
		echo chkstop
	elif read -r online 2>/dev/null <"$d/online"; then
		[ "$online" = 1 ] && echo online || echo offline
	else
		echo -
	fi
}

vas_mount
ok $? "mount the default host"

# --- chzcrypt -d/-e ---
chz "$D/05.0004/online" 0
ok $? "chzcrypt -d 05.0004: written and read back"
is "$(status "$D/05.0004") $(status "$D/05.0003") $(status "$D/card05")" \
	"offline online online" "lszcrypt: only that queue is offline"
chz "$D/05.0004/online" 1
ok $? "chzcrypt -e 05.0004"
chz "$D/card04/online" 0
ok $? "chzcrypt -d 4"
n=0
for q in "$D"/04.*; do [ "$(status "$q")" = offline ] && n=$((n + 1)); done
is "$n" 16 "lszcrypt: the 16 queues of card 04 are offline with it"
[ "$(cat "$D/card04/config")" -gt 0 ] && chz "$D/card04/online" 1
ok $? "chzcrypt -e 4 (config read first, then online)"
n=0
for q in "$D"/04.*; do [ "$(status "$q")" = online ] && n=$((n + 1)); done
is "$n" 16 "and its queues are back"
fails=0
for c in "$D"/card*; do chz "$c/online" 0 || fails=$((fails + 1)); done
is "$fails" 0 "chzcrypt -d -a: every card goes offline"
is "$(for c in "$D"/card*; do status "$c"; done | sort -u)" offline "lszcrypt: all offline"
for c in "$D"/card*; do chz "$c/online" 1; done
chz "$D/card03/config" 0
ok $? "chzcrypt --config-off 3"
is "$(status "$D/card03") $(status "$D/03.0000")" "deconfig deconfig" "lszcrypt: deconfig"
fails_with "No such device" "$D/card03/online" 1 "online 1 on a deconfigured card: ENODEV"
fails_with "No such device" "$D/03.0000/online" 1 "... and on its queue"
fails_with "Invalid argument" "$D/card04/online" 2 "online 2: EINVAL"
chz "$D/card03/config" 1
ok $? "chzcrypt --config-on 3"
is "$(status "$D/card03")" online "online again"

# --- lszcrypt -s and -c ---
is "$(head -c 8 "$D/card03/serialnr") $(head -c 8 "$D/card05/serialnr")" "93AAF603 93AABEE7" \
	"lszcrypt -s: serial numbers of the CCA and EP11 cards"
test -e "$D/card06/serialnr"
is "$?" 1 "the accelerator has no serialnr"
is "$(grep -c 'CUR' "$D/03.0004/mkvps")" 3 "lszcrypt -c 03.0004: three CUR lines"
is "$(grep 'WK CUR' "$D/05.0004/mkvps" | cut -d' ' -f3)" valid "lszcrypt -c 05.0004: WK CUR"

# --- zcryptctl ---
test -d "$C"
ok $? "class/zcrypt is a directory (zcryptctl needs it)"
is "$(stat -c '%a' "$C/create") $(cat "$C/create" 2>&1 | sed 's/.*: //')" \
	"600 Input/output error" "create is 0600 and a read is EIO"
echo -n $'\n\n' >"$C/create" # one write(2), as zcryptctl's stdio makes it
ok $? "zcryptctl create (no name: one write of two newlines)"
printf 'vault\n' >"$C/create"
ok $? "zcryptctl create vault"
printf 'my node\n' >"$C/create"
ok $? "a name with a blank inside"
fails_with "File exists" "$C/create" vault "create vault again: EEXIST"
printf '+3\n' >"$C/vault/apmask" && printf '+4\n' >"$C/vault/apmask" &&
	printf '+5\n' >"$C/vault/aqmask" && printf '+0x81\n' >"$C/vault/ioctlmask"
ok $? "zcryptctl addap vault 3, addap vault 4, adddom vault 5, addioctl vault ZSECSENDCPRB"
(for i in $(seq 0 255); do printf '+%d\n' "$i" >"$C/zcrypt_0/admask" || exit 1; done)
ok $? "zcryptctl addctrl zcrypt_0 ALL: 256 writes"
is "$(cat "$C/zcrypt_0/admask")" "0x$(printf 'f%.0s' $(seq 64))" "all 256 control domains"
# zcryptctl list: the class directory without regular files, each node's dev
# and masks (fgets of 80 bytes, digit 2 + n/4 must be hex)
listing=""
for n in "$C"/*; do
	[ -f "$n" ] && [ ! -L "$n" ] && continue
	IFS=: read -r maj min <"$n/dev"
	for m in apmask aqmask admask ioctlmask; do
		v=$(head -c 80 "$n/$m")
		[[ $v =~ ^0x[0-9a-f]{64}$ ]] || listing="$listing BAD:$m"
	done
	listing="$listing $(basename "$n")=$maj:$min"
done
is "$listing" " my node=246:2 vault=246:1 zcrypt_0=246:0" "zcryptctl list: nodes with major:minor"
is "$(cat "$C/vault/apmask")" \
	"0x1800000000000000000000000000000000000000000000000000000000000000" "adapters 3,4"
is "$(cat "$C/vault/ioctlmask" | cut -c 35-36)" "40" "ioctl 0x81 set"
printf 'vault\n' >"$C/destroy"
ok $? "zcryptctl destroy vault"
test -e "$C/vault"
is "$?" 1 "vault is gone"
fails_with "No such file or directory" "$C/destroy" vault "destroy it again: ENOENT"
printf 'my node\n' >"$C/destroy"
ok $? "destroy my node"
(for i in $(seq 1 255); do printf '\n' >"$C/create" || exit 1; done)
ok $? "255 more nodes: every minor is used"
fails_with "No space left on device" "$C/create" extra "the 257th: ENOSPC"
is "$(cat "$C/zcrypt_255/dev")" "246:255" "the last minor"

# --- pages: a 256x256 matrix, a 65536-line dmesg ---
U=11111111-1111-1111-1111-111111111111
M=$MP/devices/vfio_ap/matrix
printf '0x' >"$MP/bus/ap/apmask" && printf '0x' >"$MP/bus/ap/aqmask"
echo "$U" >"$M/mdev_supported_types/vfio_ap-passthrough/create"
ff=$(printf 'f%.0s' $(seq 64))
echo "0x$ff,0x$ff,0x" >"$M/$U/ap_config"
ok $? "a 256x256 matrix assigned"
is "$(wc -c <"$M/$U/matrix") $(tr -d '\0' <"$M/$U/matrix" | wc -c) $(tail -c 8 "$M/$U/matrix" | tr '\n' '|')" \
	"4095 4095 |01.00ff" "the matrix reads as 4095 bytes of text, no NUL"
grep -q 'fill_read_buffer: matrix_show returned bad count' "$MP/sim/dmesg"
ok $? "the kernel log says the show returned a bad count"
is "$(wr "$MP/bus/ap/apmask" "0x$ff")" "" "apmask all ones (nothing reserved while aqmask is empty)"
fails_with "Device or resource busy" "$MP/bus/ap/aqmask" "0x$ff" "aqmask all ones: in use"
is "$(grep -c 'Can not reserve queue' "$MP/sim/dmesg")" 65536 "sim/dmesg has all 65536 veto lines"
is "$(stat -c %s "$MP/sim/dmesg")" "$(wc -c <"$MP/sim/dmesg")" "its size is its length"
is "$(tail -n 1 "$MP/sim/dmesg")" \
	"vfio_ap_mdev $U: Can not reserve queue ff.00ff for host driver: in use by mdev" \
	"tail finds the last line whole"
grep -q '^fill_read_buffer' "$MP/sim/dmesg" && [ "$(head -c 17 "$MP/sim/dmesg")" = fill_read_buffer: ]
ok $? "the first line is whole"
# a reader that keeps sim/dmesg open: read to the end, let 256 lines be
# logged (aqmask +0xfe is vetoed for every adapter), read on from there
exec 3<"$MP/sim/dmesg"
dd bs=1M <&3 of=/dev/null 2>/dev/null
before=$(stat -c %s "$MP/sim/dmesg")
wr "$MP/bus/ap/aqmask" +0xfe >/dev/null
dd bs=1M <&3 of="$TMP/new" 2>/dev/null
exec 3<&-
is "$(wc -l <"$TMP/new") $(($(wc -c <"$TMP/new") + before)) $(head -c 13 "$TMP/new")" \
	"256 $(stat -c %s "$MP/sim/dmesg") vfio_ap_mdev " \
	"a reader at its offset gets exactly the 256 lines logged since"
is "$(tail -n 1 "$TMP/new" | cut -d' ' -f7)" ff.00fe "... whole, up to the last one"

fusermount3 -u "$MP"
ok $? "unmount"
unmounted_and_gone
ok $? "no server left"
done_testing
