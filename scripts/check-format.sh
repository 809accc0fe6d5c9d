#!/bin/sh
# check-format.sh [ROOT] - every tracked C file is formatted as .clang-format
# says (clang-format 14, Debian 12). Lists the files that are not, with the
# first lines of the difference, and exits 1; exits 0 when all are.
# To fix: clang-format -i FILE...
set -u
root=${1:-.}
cd "$root" || exit 2
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed" >&2; exit 2; }
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests bench -name '*.[ch]')
n=$(echo "$files" | wc -w)
# one clang-format process for the common case (all formatted)
if clang-format --style=file --dry-run --Werror $files >/dev/null 2>&1; then
	echo "check-format: $n files formatted as .clang-format says"
	exit 0
fi
bad=0
for f in $files; do
	if ! clang-format --style=file "$f" | cmp -s "$f" -; then
		bad=$((bad + 1))
		echo "$f: not formatted"
		clang-format --style=file "$f" | diff -u "$f" - | sed -n '3,12p'
	fi
done
echo "check-format: $bad of $n files differ from .clang-format (clang-format -i FILE)"
exit 1
