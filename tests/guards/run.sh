#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - test scripts/check-guards.py on the fixtures in this directory.
#
# bad.c must give exactly the findings in expected.txt (exit 1), good.c none,
# badguard.c an unresolvable-guard error (exit 2). The fixtures are parsed
# with the checker's default flags (-Isrc -D_GNU_SOURCE -std=gnu11), not
# built. Prints "N passed, M failed"; exits 1 if any check failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=${PYTHON:-python3}
checker="$root/scripts/check-guards.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1"; }

cd "$root" || exit 1

# 1. bad.c + good.c: the expected findings, nothing more, exit 1
"$py" "$checker" --no-compdb -j 1 -v tests/guards/bad.c tests/guards/good.c \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok "findings exit 1" || { nok "findings exit 1 (got $rc)"; cat "$tmp/err"; }
grep -E '^tests/guards/' "$tmp/out" >"$tmp/found"
if diff -u "$here/expected.txt" "$tmp/found" >"$tmp/diff"; then
	ok "findings match expected.txt"
else
	nok "findings match expected.txt"
	cat "$tmp/diff"
fi
grep -q '^tests/guards/good.c' "$tmp/found" && nok "no finding in good.c" || ok "no finding in good.c"
want=$(wc -l <"$here/expected.txt" | tr -d ' ')
grep -Eq "^check-guards: 10 guarded fields, [0-9]+ accesses checked, $want violations, 1 exempt functions$" \
	"$tmp/out" && ok "summary line" || { nok "summary line"; grep '^check-guards' "$tmp/out"; }
grep -q 'tests/guards/good.c:[0-9]*: box_init: init: b is not published yet' "$tmp/out" \
	&& ok "exempt function listed with -v" || nok "exempt function listed with -v"

# 2. good.c alone: clean, exit 0
"$py" "$checker" --no-compdb -j 1 tests/guards/good.c >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "good.c exit 0" || { nok "good.c exit 0 (got $rc)"; cat "$tmp/out"; }

# 3. an unresolvable guard is an error, exit 2
"$py" "$checker" --no-compdb -j 1 tests/guards/badguard.c >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && ok "bad guard exit 2" || nok "bad guard exit 2 (got $rc)"
grep -q 'typo.n: cannot resolve guard "lok"' "$tmp/err" && ok "bad guard message" \
	|| { nok "bad guard message"; cat "$tmp/err"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
