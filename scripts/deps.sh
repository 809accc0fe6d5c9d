#!/bin/sh
# Installs what building and testing vfio-ap-sim needs (Debian 12).
# As root: apt-get install -y; otherwise prints the exact apt line.
set -e
PKGS="build-essential meson ninja-build pkg-config libfuse3-dev fuse3 clang clang-format python3 python3-clang-19 mdevctl udev libncurses-dev tmux graphviz libvirt-daemon libvirt-clients python3-pyudev"
# installed without their recommendations (libvirt's would pull in a whole virtualisation stack)
NORECS="libvirt-daemon libvirt-clients python3-pyudev"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	plain=""
	norecs=""
	for p in $missing; do
		case " $NORECS " in
		*" $p "*) norecs="$norecs $p" ;;
		*) plain="$plain $p" ;;
		esac
	done
	[ -z "$plain" ] || apt-get install -y -qq $plain
	[ -z "$norecs" ] || apt-get install -y -qq --no-install-recommends $norecs
else
	echo "missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
