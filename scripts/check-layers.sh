#!/bin/sh
# check-layers.sh [ROOT] - the include-order check (docs/design.md §1.1).
#
# Reads the layer list between <!-- layers --> and <!-- /layers --> in
# docs/design.md (lines "N. name dir description") and checks every
# `#include "dir/..."` in src/: a file may include its own layer or a lower
# one; a higher layer or a sibling (same number, other directory) is an
# error. Also: src/sim/world.h is private to src/sim. Prints one line per
# violation (FILE:LINE: reason) and exits 1, or prints a summary and
# exits 0. Exit 2 when the layer list cannot be read.
set -u
root=${1:-.}
design=$root/docs/design.md
[ -f "$design" ] || { echo "check-layers: $design not found" >&2; exit 2; }
layers=$(awk '/<!-- layers -->/{on=1; next} /<!-- \/layers -->/{on=0} on && /^[0-9]+\./ {
	n=$1; sub(/\.$/, "", n); print n, $3 }' "$design")
[ -n "$layers" ] || { echo "check-layers: no layer list in $design" >&2; exit 2; }

find "$root/src" -name '*.[ch]' | sort | awk -v layers="$layers" -v root="$root/" '
BEGIN {
	n = split(layers, l, "\n")
	for (i = 1; i <= n; i++) {
		split(l[i], f, " ")
		sub(/^src\//, "", f[2])
		rank[f[2]] = f[1] + 0
	}
}
{
	file = $0
	rel = file
	sub("^" root, "", rel)
	split(rel, p, "/")
	self = p[2]
	if (!(self in rank)) {
		printf "%s: directory src/%s is not in the layer list\n", rel, self
		bad++
		next
	}
	line = 0
	while ((getline text < file) > 0) {
		line++
		if (text !~ /^[ \t]*#[ \t]*include[ \t]*"[a-z_0-9]+\//)
			continue
		inc = text
		sub(/^[^"]*"/, "", inc)
		sub(/".*$/, "", inc)
		split(inc, q, "/")
		other = q[1]
		checked++
		if (other == self)
			continue
		if (!(other in rank)) {
			printf "%s:%d: includes \"%s\" from src/%s, which is not in the layer list\n", rel, line, inc, other
			bad++
		} else if (rank[other] > rank[self]) {
			printf "%s:%d: layer %s (%d) includes \"%s\" of the higher layer %s (%d)\n", rel, line, self, rank[self], inc, other, rank[other]
			bad++
		} else if (rank[other] == rank[self]) {
			printf "%s:%d: layer %s includes \"%s\" of its sibling %s (both %d)\n", rel, line, self, inc, other, rank[self]
			bad++
		} else if (inc == "sim/world.h") {
			printf "%s:%d: sim/world.h is private to src/sim\n", rel, line
			bad++
		}
	}
	close(file)
	files++
}
END {
	if (bad) {
		printf "check-layers: %d violation(s)\n", bad
		exit 1
	}
	printf "check-layers: %d files, %d project includes checked, all in order\n", files, checked
}'
