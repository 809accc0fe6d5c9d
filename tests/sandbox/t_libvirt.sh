#!/bin/bash
# SPDX-License-Identifier: MIT
# t_libvirt.sh - Debian's libvirtd (the nodedev driver listens only to
# udevd's rebroadcast) in a --udevd sandbox, started by hand with private
# state: /etc and /var are overlays (--overlay), /run is the sandbox's own,
# so nothing reaches the machine's libvirt. With the model's events:
#  - an mdev created with a plain echo appears in nodedev-list;
#  - nodedev-define + nodedev-start: the mdev is Active: yes;
#  - nodedev-destroy removes it (the definition stays, inactive);
#  - nodedev-create (transient) returns successfully, without libvirt's
#    60 s wait for a device that never announces itself;
#  - nodedev-event receives the lifecycle events.
# libvirt's qemu driver needs the user libvirt-qemu (created by
# libvirt-daemon-system, which is not installed): the test adds it to the
# overlaid /etc/passwd.
# Usage: t_libvirt.sh PATH/TO/vfio-ap-sim   (root, /dev/fuse; TAP on stdout)
. "$(dirname "$0")/lib.sh" "$@"
for c in libvirtd virsh mdevctl; do
	command -v $c >/dev/null || { echo "Bail out! $c is not installed"; exit 1; }
done
U0=00000000-0000-4000-8000-000000000000
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
name() { echo "mdev_${1//-/_}_matrix"; }
xml() { # UUID APID APQI
	cat <<X
<device>
  <parent>ap_matrix</parent>
  <capability type='mdev'>
    <type id='vfio_ap-passthrough'/>
    <uuid>$1</uuid>
    <attr name='assign_adapter' value='$2'/>
    <attr name='assign_domain' value='$3'/>
  </capability>
</device>
X
}
xml $U2 3 5 > "$TMP/u2.xml"
xml $U3 4 6 > "$TMP/u3.xml"

cat > "$TMP/inner.sh" <<IN
set -u
. $(dirname "$0")/lib.sh "$VAS"
V="virsh -q -c qemu:///system"
info() { \$V nodedev-info \$1 2>/dev/null | sed -n 's/^Active: *//p'; }
until_active() { # NAME yes|no
	local end=\$((SECONDS + HANG_GUARD))
	until [ "\$(info \$1)" = \$2 ]; do [ \$SECONDS -ge \$end ] && return 1; sleep 0.05; done
}
echo "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin" >> /etc/passwd
echo "libvirt-qemu:x:64055:" >> /etc/group
echo "kvm:x:64056:" >> /etc/group
echo -0x03,-0x04 > /sys/bus/ap/apmask && echo -0x05,-0x06 > /sys/bus/ap/aqmask
libvirtd > $TMP/libvirtd.log 2>&1 &
until [ -S /run/libvirt/libvirt-sock ]; do sleep 0.05; done
stdbuf -oL \$V nodedev-event --event lifecycle --loop > $TMP/events 2>&1 &
# the listener is registered once it sees a throwaway mdev come (made again until it does)
C=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
until grep -q "$(name $U0): Created" $TMP/events; do
	test -e /sys/bus/mdev/devices/$U0 && echo 1 > /sys/bus/mdev/devices/$U0/remove
	echo $U0 > \$C; sleep 0.05
done
echo 1 > /sys/bus/mdev/devices/$U0/remove

echo $U1 > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
until_active $(name $U1) yes && echo "echo-created: active" >> $TMP/r
\$V nodedev-list --cap mdev >> $TMP/r
wait_line $TMP/events "$(name $U1): Created"

\$V nodedev-define $TMP/u2.xml > /dev/null && echo defined >> $TMP/r
echo "after define: \$(info $(name $U2))" >> $TMP/r
\$V nodedev-start $(name $U2) > /dev/null && echo started >> $TMP/r
until_active $(name $U2) yes && echo "after start: yes" >> $TMP/r
echo "matrix: \$(cat /sys/bus/mdev/devices/$U2/matrix)" >> $TMP/r
\$V nodedev-destroy $(name $U2) > /dev/null && echo destroyed >> $TMP/r
until_active $(name $U2) no && echo "after destroy: no" >> $TMP/r
test -e /sys/bus/mdev/devices/$U2 || echo "after destroy: gone from sysfs" >> $TMP/r

t0=\$(date +%s.%N)
\$V nodedev-create $TMP/u3.xml > $TMP/create.out 2>&1 && echo "create: ok" >> $TMP/r
awk -v a="\$t0" -v b="\$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }' > $TMP/create.seconds
echo "created matrix: \$(cat /sys/bus/mdev/devices/$U3/matrix 2>&1)" >> $TMP/r
\$V nodedev-destroy $(name $U3) > /dev/null && echo "transient destroyed" >> $TMP/r
echo 1 > /sys/bus/mdev/devices/$U1/remove
wait_line $TMP/events "$(name $U1): Deleted"
wait_line $TMP/events "$(name $U3): Deleted"
IN
"$VAS" sandbox --udevd --overlay /etc --overlay /var -- bash "$TMP/inner.sh"
ok $? "the sandbox ran"
is "$(cat "$TMP/r")" "echo-created: active
$(name $U1)
defined
after define: no
started
after start: yes
matrix: 03.0005
destroyed
after destroy: no
after destroy: gone from sysfs
create: ok
created matrix: 04.0006
transient destroyed" "libvirt's nodedev driver sees the model's mdevs come and go"
echo "# nodedev-create took $(cat "$TMP/create.seconds") s (without events: 60 s and an error)"
ev=$(grep -o "for node device mdev_[0-9a-z_]*: [A-Za-z]*" "$TMP/events" | sed 's/for node device //')
like "$ev" "*$(name $U1): Created*$(name $U2): Created*" "nodedev-event: Created for the echo-made and the started mdev"
like "$ev" "*$(name $U3): Created*$(name $U3): Deleted*$(name $U1): Deleted*" \
	"nodedev-event: Created and Deleted for the transient one, Deleted for the echo-made one"
[ "$TAP_FAILED" -eq 0 ] || { sed 's/^/# events: /' "$TMP/events"; sed 's/^/# libvirtd: /' "$TMP/libvirtd.log" | tail -20; }
done_testing
