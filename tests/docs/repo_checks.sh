#!/bin/sh
# repo_checks.sh SRCROOT - the repository's own consistency checks, as TAP:
#  - scripts/check-layers.sh: no file includes a header of a higher or
#    sibling layer (docs/design.md §1.1);
#  - scripts/check-citations.sh: every `NAME.md §N` citation resolves to a
#    heading of docs/NAME.md, and nothing cites a file outside the repository;
# and, testing the testers, each must fail on a copy of the tree with one
# violation planted.
set -u
root=$1
n=0
failed=0
ok() { # cond-status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

out=$("$root/scripts/check-layers.sh" "$root" 2>&1)
ok $? "layers: $out"
out=$("$root/scripts/check-citations.sh" "$root" 2>&1)
st=$?
ok $st "citations: $(echo "$out" | tail -1)"
[ $st -eq 0 ] || echo "$out" | sed 's/^/# /'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/t"
cp -r "$root/docs" "$root/src" "$root/scripts" "$tmp/t/"
printf '#include "sim/sim.h"\n' >>"$tmp/t/src/vfio_ap/ops.c"
printf '#include "kvm/kvm.h"\n' >>"$tmp/t/src/sysfs/sysfs.c"
out=$("$tmp/t/scripts/check-layers.sh" "$tmp/t" 2>&1)
st=$?
echo "$out" | grep -q 'ops.c:.*higher layer sim' && echo "$out" | grep -q 'sysfs.c:.*sibling kvm'
ok $(( st == 1 && $? == 0 ? 0 : 1 )) "layers must fail: a driver including sim/, sysfs including its sibling kvm"

rm -rf "$tmp/t/src" && mkdir -p "$tmp/t/src"
# (spelled in pieces, so that this file itself passes the check)
printf '/* see design.%s §4.99 */\n' md >"$tmp/t/src/a.c"
printf '/* see ../%s/spec/%s-spec.md */\n' shared kernel >"$tmp/t/src/b.c"
out=$("$tmp/t/scripts/check-citations.sh" "$tmp/t" 2>&1)
st=$?
echo "$out" | grep -q 'a.c:1' && echo "$out" | grep -q 'b.c:1'
ok $(( st == 1 && $? == 0 ? 0 : 1 )) "citations must fail: a section that does not exist, a file outside the repository"

echo "1..$n"
[ $failed -eq 0 ]
