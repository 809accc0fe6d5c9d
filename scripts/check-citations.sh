#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-citations.sh - every section citation in the tree must resolve.
#
# Usage: scripts/check-citations.sh [ROOT]
#
# Scans README.md and the *.c, *.h, *.md, *.sh, *.vas, *.py and meson.build
# files under src/, tests/, bench/, docs/ and scripts/ of ROOT (default: the
# repository this script lives in) and fails when
#   - a citation `NAME.md §N`, `NAME.md §N.M` or `NAME.md section N` (a
#     closing backquote may sit between NAME.md and the number) names a
#     docs/NAME.md that does not exist, or one without a markdown heading
#     whose text starts with N (or N.M) followed by a space; sections
#     chained right after a citation ("§4.4, §4.5", "§3.2–§3.4", "§1/§2",
#     "§2 and §3") are checked the same way;
#   - any line mentions a document that is not part of the repository:
#     kernel-spec, interface.md, uevents.md, clients.md, zcrypt-sysfs.md,
#     lock-validation.md, or a path into ../shared. A name of these that
#     the repository has as docs/NAME.md (docs/uevents.md) is its own.
# This script is not scanned: it has to spell those names.
#
# Output: one line per problem, "FILE:LINE: ...", then exit 1; or
# "citations: N checked, all resolve" and exit 0. Exit 2: bad usage.
# Needs only a POSIX shell, find, awk and sed.

set -u

case ${1-} in
-h | --help)
	sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
if [ $# -gt 1 ]; then
	echo "usage: $0 [ROOT]" >&2
	exit 2
fi
root=${1:-$(dirname "$0")/..}
if ! cd "$root" 2>/dev/null; then
	echo "check-citations: cannot enter '$root'" >&2
	exit 2
fi

LC_ALL=C
export LC_ALL

heads=$(mktemp) || exit 2
list=$(mktemp) || exit 2
trap 'rm -f "$heads" "$list"' EXIT
trap 'exit 2' HUP INT TERM

# "NAME NUMBER" for every numbered heading of docs/*.md.
for d in docs/*.md; do
	[ -f "$d" ] || continue
	awk -v name="$(basename "$d" .md)" '
		/^```/ { fence = !fence; next }
		!fence && /^#+[ \t]+[0-9]+(\.[0-9]+)*[ \t]/ {
			sub(/^#+[ \t]+/, "")
			match($0, /^[0-9]+(\.[0-9]+)*/)
			print name, substr($0, 1, RLENGTH)
		}' "$d"
done >"$heads"

# The files to scan, one per line (names with blanks are not expected).
{
	[ -f README.md ] && echo README.md
	for dir in src tests bench docs scripts; do
		[ -d "$dir" ] || continue
		find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.md' \
			-o -name '*.sh' -o -name '*.vas' -o -name '*.py' \
			-o -name meson.build \) -print
	done
} | grep -v -e '^scripts/check-citations\.sh$' |
	sort >"$list"

if [ ! -s "$list" ]; then
	echo "citations: 0 checked, all resolve"
	exit 0
fi

awk -v headsfile="$heads" -v localdocs="$(cd docs 2>/dev/null && ls -- *.md 2>/dev/null | tr '\n' ' ')" '
BEGIN {
	nlocal = split(localdocs, ld, " ")
	for (i = 1; i <= nlocal; i++)
		local[ld[i]] = 1
	while ((getline l < headsfile) > 0) {
		split(l, f, " ")
		known[f[1]] = 1
		head[f[1] " " f[2]] = 1
	}
	close(headsfile)
	sect = "\302\247"            # the section sign, UTF-8
	dash = "\342\200\223"        # en dash, UTF-8
	checked = 0
	bad = 0
}

function report(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg
	bad++
}

function check(name, num, text) {
	checked++
	if (!(name in known))
		report("\"" text "\": docs/" name ".md does not exist")
	else if (!((name " " num) in head))
		report("\"" text "\": docs/" name ".md has no heading \"" num " ...\"")
}

{
	line = $0
	rest = line
	while (match(rest, /kernel-spec|interface\.md|uevents\.md|clients\.md|zcrypt-sysfs\.md|lock-validation\.md|\.\.\/shared/)) {
		found = substr(rest, RSTART, RLENGTH)
		before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : ""
		indocs = RSTART > 5 && substr(rest, RSTART - 5, 5) == "docs/"
		rest = substr(rest, RSTART + RLENGTH)
		if ((found in local) && (indocs || (before != "/" && before != "-")))
			continue
		report("reference to a document outside the repository: \"" found "\"")
	}

	rest = line
	re = "[A-Za-z0-9_.-]+\\.md`? (" sect "|section )[0-9]+(\\.[0-9]+)?"
	while (match(rest, re)) {
		cite = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		name = cite
		sub(/\.md.*/, "", name)
		num = cite
		sub(/^.*(\302\247|section )/, "", num)
		check(name, num, cite)
		# sections chained directly after it belong to the same document
		chain = "^(, |/| and |-|" dash ")" sect "[0-9]+(\\.[0-9]+)?"
		while (match(rest, chain)) {
			link = substr(rest, RSTART, RLENGTH)
			rest = substr(rest, RSTART + RLENGTH)
			n = link
			sub(/^.*\302\247/, "", n)
			check(name, n, name ".md " sect n)
		}
	}
}

END {
	if (bad)
		exit 1
	printf "citations: %d checked, all resolve\n", checked
}' $(cat "$list")
