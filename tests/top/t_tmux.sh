#!/bin/bash
# SPDX-License-Identifier: MIT
# t_tmux.sh - the terminal view of `vfio-ap-sim top` (docs/top.md, "Keys")
# driven through tmux on a private server: it starts and draws the grid of
# a real mount; the arrows move the cursor (shown in reverse video), and
# the status line describes the cell under it; Tab selects mdev 1; ? shows the help; a resized
# window is drawn again at its new size; q quits and leaves the shell's
# screen as it was (nothing of the view on it); the tmux server and the
# view are gone afterwards. Waits are for what the pane shows, bounded by
# the hang guard only. tmux is required (scripts/deps.sh): without it the
# test fails. TAP on stdout.
. "$(dirname "$0")/../fuse/lib.sh" "$@"
U1=11111111-2222-4333-8444-555555555555
SOCK=$TMP/tmux.sock

tm() { tmux -S "$SOCK" "$@"; }
screen() { tm capture-pane -p -t vt 2>/dev/null; }

shows() { # TEXT [absent]: waits until the pane shows TEXT (or no longer does)
	local end=$((SECONDS + HANG_GUARD))
	while :; do
		if screen | grep -qF -- "$1"; then [ -z "${2:-}" ] && return 0
		else [ -n "${2:-}" ] && return 0; fi
		if [ "$SECONDS" -ge "$end" ]; then
			echo "# hang guard: waited $HANG_GUARD s for '$1' ${2:+to go}"
			screen | sed 's/^/#   |/'
			return 1
		fi
		sleep 0.05
	done
}

finish() {
	tm kill-server 2>/dev/null
	cleanup
}
trap finish EXIT

command -v tmux >/dev/null
ok $? "tmux is installed (scripts/deps.sh)"
vas_mount
ok $? "mounted"
printf -- -0x05 >"$MP/bus/ap/apmask"
printf -- -0x03,-0x04 >"$MP/bus/ap/aqmask"
printf %s $U1 >"$MP/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create"
printf 5 >"$MP/devices/vfio_ap/matrix/$U1/assign_adapter"
printf 3 >"$MP/devices/vfio_ap/matrix/$U1/assign_domain"
printf %s $U1 >"$MP/sim/guests/start"

tm -f /dev/null new-session -d -s vt -x 110 -y 40 \
	"env -i PATH=$PATH TERM=screen PS1='prompt\$ ' bash --norc --noprofile"
ok $? "a private tmux server with a shell"
shows 'prompt$'
tm send-keys -t vt "$VAS top --interval 0.2 $MP" Enter
shows 'grid (adapters down, domains across)'
ok $? "top starts and draws the grid"
screen | grep -q '^05 CEX8P     f   f   f  1\*   f'
ok $? "... with mdev 1's queue in its guest"
shows '? help  q quit'
ok $? "... and the status line"

tm send-keys -t vt Down Down Right Right Right
shows '05.0003  in the guest (driver vfio_ap); mdev 1'
ok $? "the arrows move the cursor; the status line describes 05.0003"
rev=$(tm capture-pane -p -e -t vt | grep -E '^0[3-6] CEX' | grep -n $'\e\[[0-9;]*7m' | cut -d: -f1)
is "$rev" 3 "... and only the third row shows a cell in reverse video"
tm capture-pane -p -e -t vt | grep '^05 CEX8P' | grep -q $'\e\[[0-9;]*7m[^ ]*  1\*'
ok $? "... the cell of 05.0003"
tm send-keys -t vt Tab
shows '[mdev 1]'
ok $? "Tab selects mdev 1"
tm send-keys -t vt '?'
shows 'vfio-ap-sim top - keys'
ok $? "? shows the help"
tm send-keys -t vt x
shows 'vfio-ap-sim top - keys' absent
ok $? "any key closes it"

tm resize-window -t vt -x 60 -y 20
shows 'grid (adapters down' &&
	[ "$(screen | wc -l)" -eq 20 ] && screen | tail -1 | grep -q ' ? help  q quit$'
ok $? "resized to 60x20: drawn again at the new size"
[ "$(screen | awk '{ if (length($0) > 60) n++ } END { print n + 0 }')" -eq 0 ]
ok $? "... no line wider than the window"

tm send-keys -t vt q
shows 'grid (adapters down' absent
ok $? "q quits"
shows 'prompt$'
s=$(screen | grep -v '^$')
is "$(echo "$s" | tail -1)" 'prompt$' "the shell's prompt is back"
echo "$s" | grep -qE 'legend|mdevs \(|CEX8|help'
is "$?" 1 "nothing of the view is left on the screen"
pgrep -f "top --interval 0.2 $MP" >/dev/null
is "$?" 1 "the view has exited"

tm kill-server
tm list-sessions >/dev/null 2>&1
is "$?" 1 "the tmux server is gone"
printf %s $U1 >"$MP/sim/guests/stop"
umount "$MP"
unmounted_and_gone
ok $? "unmounted, no server left"
done_testing
