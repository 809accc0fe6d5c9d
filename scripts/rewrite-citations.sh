#!/bin/sh
# SPDX-License-Identifier: MIT
#
# rewrite-citations.sh - one-off: point every citation of the external
# specification files at docs/design.md.
#
# Usage: scripts/rewrite-citations.sh [-n] [ROOT]
#   -n    dry run: print the diff, change nothing
#   ROOT  the tree to rewrite (default: the repository this script lives in)
#
# Until docs/design.md existed, comments, tests and documents cited two
# files that live outside the repository: the kernel behaviour specification
# ("kernel-spec §3.4", "kernel-spec 2.2-2.4", "kernel-spec section 4", ...)
# and the interface description ("interface.md section 1", "interface.md
# §2", "interface.md 3", "../shared/spec/interface.md"), plus a few mentions
# of the client notes (clients.md) and the lock-validation notes. This script
# rewrites them mechanically:
#   kernel-spec section X.Y        -> design.md §(X+1).Y    (X = 0..8)
#   interface.md section N         -> design.md §(N+9)      (N = 1..4)
#   clients.md (pitfalls ...)      -> design.md §11.4
#   ranges "2.2-2.4" -> "§3.2–§3.4", pairs "2.5/2.6" -> "§3.5, §3.6"
# Only files that mention one of the external names are touched, and in
# those files EVERY other "§N" is taken to be a kernel-spec number (that is
# how the scenario scripts and docs/test-plan.md use it); test-plan's
# references to its own sections ("see §4") are kept. A file that already
# cites "design.md §" is skipped, so running the script twice is harmless.
#
# Afterwards it lists what still mentions an external name and runs
# scripts/check-citations.sh. Needs GNU sed (-E, N, \n in replacements).

set -u
LC_ALL=C
export LC_ALL

dry=0
if [ "${1-}" = -n ]; then
	dry=1
	shift
fi
case ${1-} in
-h | --help)
	sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
-*)
	echo "usage: $0 [-n] [ROOT]" >&2
	exit 2
	;;
esac
if [ $# -gt 1 ]; then
	echo "usage: $0 [-n] [ROOT]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$here/..}
if ! cd "$root" 2>/dev/null; then
	echo "rewrite-citations: cannot enter '$root'" >&2
	exit 2
fi

external='kernel-spec|interface\.md|clients\.md|lock-validation\.md|uevents\.md|zcrypt-sysfs\.md|\.\./shared'

prog=$(mktemp) || exit 2
extra=$(mktemp) || exit 2
out=$(mktemp) || exit 2
trap 'rm -f "$prog" "$extra" "$out"' EXIT
trap 'exit 2' HUP INT TERM

# Markers used while rewriting: "§@X" an old kernel-spec number, "§%N" an old
# interface number, "§!N" a number that is already final. Nothing else in the
# tree uses them; they are all resolved at the end.
cat >"$prog" <<'EOF'
# --- 1. citations split over two lines
/\(kernel-spec$/ {
	N
	s/\(kernel-spec\n([^0-9\n]*)([0-9])/(design.md\n\1§\2/
}
/\(interface\.md$/ {
	N
	s/\(interface\.md\n([^0-9\n]*)section ([0-9])/(design.md\n\1§%\2/
}
/lock-validation\.md section 6 describes the kernel's locktorture$/ {
	N
	s/lock-validation\.md section 6 describes the kernel's locktorture\n([^\n]*)that it follows in spirit/it follows the kernel's locktorture\n\1in spirit/
}
/; interface\.md §4$/ {
	N
	s/; interface\.md §4\n( *)only says faults \*may\* appear under `sim\/faults\/`;/ and documented in\n\1design.md §%4.3;/
}
/kernel-spec §3\.14 step 6: "a model should simply try to$/ {
	N
	s/kernel-spec §3\.14 step 6: "a model should simply try to\n( *)bind unbound devices whose reservation changed"\./design.md §3.14 step 6 binds an unbound queue again\n\1only when its reservation changed./
}

# --- 2. one-off phrases
s/ \(`lock-validation\.md` §6\)//g
s/For comparison, lock-validation\.md measured TSan/For comparison, TSan was measured/g
s/specification \(`kernel-spec\.md`, `interface\.md`\)/specification (now `docs\/design.md`)/g
s/"interface\.md example"/"design.md §%3 example"/g
s/^( \* )and 2\.6 \(and interface\.md 4/\1and §2.6 (and interface.md 4/
s/(kernel-spec 8\.13 and the reset ioctl of )8\.10/\1§8.10/g
s/locking variants \(interface\.md section 1\)/locking variants (design.md §!6)/g

# --- 3. kernel-spec: the number stays bare here and is shifted in step 6
s/`\.\.\/shared\/spec\/kernel-spec\.md`/`docs\/design.md`/g
s/\.\.\/shared\/spec\/kernel-spec\.md/docs\/design.md/g
s/kernel-spec section ([0-9])/design.md §\1/g
s/kernel-spec §/design.md §/g
s/kernel-spec ([0-9])/design.md §\1/g

# --- 4. interface.md, with the sections chained after it
s/`\.\.\/shared\/spec\/interface\.md` §/`docs\/design.md` §%/g
s/`\.\.\/shared\/spec\/interface\.md`/`docs\/design.md` §%1–§%4/g
s/\.\.\/shared\/spec\/interface\.md/docs\/design.md §%1–§%4/g
s/interface\.md (section |§)?([0-9])/design.md §%\2/g
:ichain
s/(§%[0-9]+(\.[0-9]+)?)(–|-|, | and |\/)§([0-9])/\1\3§%\4/
t ichain

# --- 5. clients.md: what real clients need (design.md §11.4)
s/`\.\.\/shared\/spec\/clients\.md`/`docs\/design.md` §%2.4/g
s/clients\.md pitfalls [0-9]+(-[0-9]+)?/design.md §%2.4/g
s/clients\.md/design.md §%2.4/g

# --- 6. every remaining bare section number is a kernel-spec one
s/§([0-9])/§@\1/g
s/(§@[0-9]+\.[0-9]+)-([0-9]+\.[0-9]+)/\1–§@\2/g
s/(§@[0-9]+\.[0-9]+)\/([0-9]+\.[0-9]+)/\1, §@\2/g

# --- 7. resolve the markers
s/§@0/§7/g
s/§@1/§2/g
s/§@2/§3/g
s/§@3/§4/g
s/§@4/§5/g
s/§@5/§6/g
s/§@6/§7/g
s/§@7/§8/g
s/§@8/§9/g
s/§%1/§10/g
s/§%2/§11/g
s/§%3/§12/g
s/§%4/§13/g
s/§!/§/g
EOF

changed=0
skipped=0
files=$(
	{
		[ -f README.md ] && echo README.md
		for d in src tests bench docs scripts; do
			[ -d "$d" ] && grep -rlIE "$external" "$d"
		done
	} | sort -u
)
for f in $files; do
	case $f in
	scripts/rewrite-citations.sh | scripts/check-citations.sh | docs/design.md) continue ;;
	esac
	grep -qE "$external" "$f" || continue
	if grep -q 'design\.md §' "$f"; then
		echo "rewrite-citations: $f already cites design.md sections; skipped" >&2
		skipped=$((skipped + 1))
		continue
	fi
	# per-file rules that run before the shared program
	: >"$extra"
	case $f in
	docs/test-plan.md)
		# the plan's references to its own sections stay as they are
		printf '%s\n' 's/see §([0-9])/see §!\1/g' >"$extra"
		;;
	docs/sysfs-abi.md)
		cat >"$extra" <<'EOF'
s/Behaviour behind each file: `\.\.\/shared\/spec\/kernel-spec\.md` \(section numbers$/Behaviour behind each file: `docs\/design.md` (section numbers in the last/
s/^below\); outside contract: `\.\.\/shared\/spec\/interface\.md`\.$/column below; the outside contract is §%1–§%4)./
s/^\| file \| read \| write \(errors in the order checked\) \| spec \|$/| file | read | write (errors in the order checked) | design.md |/
/^\| `.*\| ([0-9][0-9.]*(, [0-9][0-9.]*)*( \(v6\.19\))?|clients\.md) \|$/ {
	s/\| clients\.md \|$/| §%2.4 |/
	s/\| ([0-9][^|]*) \|$/| @@C@@\1 |/
	:cell
	s/(@@C@@([^|]*, )?)([0-9])/\1§\3/
	t cell
	s/@@C@@//
}
EOF
		;;
	esac
	if ! sed -E -f "$extra" -f "$prog" "$f" >"$out"; then
		echo "rewrite-citations: sed failed on $f" >&2
		exit 1
	fi
	cmp -s "$f" "$out" && continue
	changed=$((changed + 1))
	if [ $dry = 1 ]; then
		diff -u --label "a/$f" --label "b/$f" "$f" "$out"
	else
		cat "$out" >"$f" # keeps the file's mode
	fi
done

echo "rewrite-citations: $changed file(s) $([ $dry = 1 ] && echo 'would change' || echo changed), $skipped skipped" >&2
[ $dry = 1 ] && exit 0

left=$(grep -rnIE "$external" README.md src tests bench docs scripts 2>/dev/null |
	grep -vE '^scripts/(rewrite|check)-citations\.sh:')
if [ -n "$left" ]; then
	echo "rewrite-citations: still mentioning an external document (fix by hand):" >&2
	printf '%s\n' "$left" >&2
fi
if [ -x "$here/check-citations.sh" ]; then
	"$here/check-citations.sh" "$(pwd)"
fi
