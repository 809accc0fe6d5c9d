#!/bin/bash
# SPDX-License-Identifier: MIT
# t_udevd.sh - a real systemd-udevd in the sandbox (--udevd): coldplug
# filled /run/udev/data; mdevctl's own udev rule starts an `auto` mdev when
# the matrix parent registers (defined first, then vfio_ap loaded inside);
# a rule of the user's (--rules) sets a property and a tag that `udevadm
# info` then shows from the udev database; `udevadm trigger` with --settle
# works on the model's uevent files.
#
# Debian 12's 60-mdevctl.rules runs /usr/sbin/mdevctl, but its mdevctl
# package installs /usr/bin/mdevctl: as shipped, the rule cannot start
# anything, on an LPAR or here. The test gives udevd mdevctl's own rule
# with the path corrected (a file of the same name in /run/udev/rules.d
# replaces the packaged one), and says so.
# Usage: t_udevd.sh PATH/TO/vfio-ap-sim   (root, /dev/fuse; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
U=0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
RULE=/usr/lib/udev/rules.d/60-mdevctl.rules
[ -f "$RULE" ] || RULE=/lib/udev/rules.d/60-mdevctl.rules
command -v mdevctl >/dev/null || { echo "Bail out! mdevctl is not installed"; exit 1; }
[ -f "$RULE" ] || { echo "Bail out! mdevctl's udev rule is not installed"; exit 1; }

MDEVCTL=$(command -v mdevctl)
mkdir -p "$TMP/rules"
if grep -q /usr/sbin/mdevctl "$RULE" && [ ! -x /usr/sbin/mdevctl ]; then
	echo "# $RULE runs /usr/sbin/mdevctl, which is not installed ($MDEVCTL is): using a corrected copy"
fi
sed "s|/usr/sbin/mdevctl|$MDEVCTL|g" "$RULE" > "$TMP/rules/60-mdevctl.rules"
cat > "$TMP/rules/70-vas-test.rules" <<'R'
SUBSYSTEM=="mdev", ACTION=="add|bind", ENV{VAS_TEST}="from-a-rule", TAG+="vas_test"
SUBSYSTEM=="ap", ENV{DEVTYPE}=="ap_card", ENV{VAS_CARD}="$kernel"
R

cat > "$TMP/inner.sh" <<IN
set -u
ls /run/udev/data | grep -E '^\+ap:card|^c10:232$' | tr '\n' ' ' > $TMP/coldplug
cat /run/udev/data/+ap:card03 > $TMP/card03.db
echo -0x03 > /sys/bus/ap/apmask && echo -0x05 > /sys/bus/ap/aqmask
mdevctl define -u $U -p matrix -t vfio_ap-passthrough --auto &&
	mdevctl modify -u $U --addattr=assign_adapter --value=3 &&
	mdevctl modify -u $U --addattr=assign_domain --value=5 && echo defined > $TMP/defined
test -e /sys/bus/mdev/devices/$U && echo "present before the load" > $TMP/early
echo 1 > \$VAS_SIM/modules/vfio_ap
udevadm settle
cat /sys/bus/mdev/devices/$U/matrix > $TMP/matrix 2>&1
mdevctl list > $TMP/list 2>&1
udevadm info /sys/bus/mdev/devices/$U > $TMP/info 2>&1
cat /run/udev/data/+mdev:$U > $TMP/mdev.db 2>&1
udevadm trigger --settle --action=change /sys/devices/ap/card04 > $TMP/trigger 2>&1; echo \$? >> $TMP/trigger
udevadm info -q property /sys/devices/ap/card04 | grep VAS_CARD > $TMP/card04
IN
"$VAS" sandbox --udevd --no-vfio-ap --rules "$TMP/rules" -- bash "$TMP/inner.sh"
ok $? "the sandbox ran"
is "$(cat "$TMP/coldplug")" "+ap:card03 +ap:card04 +ap:card05 +ap:card06 c10:232 " \
	"coldplug: udev database entries for the cards (the user's rule set a property) and /dev/kvm (a dev_t)"
like "$(cat "$TMP/card03.db")" "*E:VAS_CARD=card03*" "... with the user's rule applied (card03)"
is "$(cat "$TMP/defined")" defined "auto mdev defined with mdevctl before vfio_ap is loaded"
test ! -e "$TMP/early"
ok $? "... nothing started yet"
is "$(cat "$TMP/matrix")" "03.0005" "loading vfio_ap: MDEV_STATE=registered ran mdevctl's rule, the mdev runs with its attributes"
like "$(cat "$TMP/list")" "*$U matrix vfio_ap-passthrough auto (defined)*" "mdevctl list shows it active"
info=$(cat "$TMP/info")
like "$info" "*P: /devices/vfio_ap/matrix/$U*" "udevadm info: the devpath"
like "$info" "*E: SUBSYSTEM=mdev*E: DRIVER=vfio_ap_mdev*" "udevadm info: the kernel's keys"
like "$info" "*E: VAS_TEST=from-a-rule*" "udevadm info: the rule's property, from the udev database"
like "$info" "*E: TAGS=:vas_test:*" "udevadm info: the rule's tag"
like "$(cat "$TMP/mdev.db")" "*E:VAS_TEST=from-a-rule*G:vas_test*" "/run/udev/data/+mdev:<uuid> holds them"
is "$(cat "$TMP/trigger")" 0 "udevadm trigger --settle on a model device (synthetic change with a UUID)"
is "$(cat "$TMP/card04")" "VAS_CARD=card04" "... and its rules ran"
done_testing
