#!/bin/sh
# expect.sh STATUS PATTERN CMD [ARGS...]: run CMD, pass when it exits with
# STATUS and its output (stdout and stderr) contains the fixed string PATTERN.
# The torture CI tests use it for the runs that must FAIL (busted,
# v18-blocking) and to require the SUCCESS line of the others.
#
# A torture run given --duration does as much work as the machine manages
# in that time, and some verdicts need work, not time. A run that did too
# little to decide is inconclusive and runs again, longer, so that a slow
# machine makes the test slower, never failing. Inconclusive means: some
# admin thread did fewer than MIN_ADMIN_OPS operations or the invariant
# checker ran fewer than MIN_CHECKS times, and
#  - STATUS 0 wanted, and the run's only shortfall is lock-path coverage
#    (--require-coverage: no invariant failure, no validator report, no
#    leak), or
#  - STATUS 1 wanted, and the run found nothing (SUCCESS).
# Anything else is the verdict. Each rerun scales the duration by the
# shortfall (at least x2, at most x8, up to MAX_SECONDS); a run of
# MAX_SECONDS still undecided ends it as a failure (a hang guard, far
# beyond any machine that works).
#
# The thresholds: in 64 short runs (guest threads running alongside, as
# always with --duration) coverage was incomplete only where some admin
# thread had done fewer than 222 operations; --busted is caught by about
# one invariant check in four.
MIN_ADMIN_OPS=${MIN_ADMIN_OPS:-2000}
MIN_CHECKS=${MIN_CHECKS:-50}
MAX_SECONDS=120

want=$1 pat=$2
shift 2

# run DURATION CMD...: CMD with the value after --duration replaced
run() {
	d=$1
	shift
	n=$#
	prev=
	for a; do
		[ "$prev" = --duration ] && a=$d
		prev=$a
		set -- "$@" "$a"
	done
	shift "$n"
	"$@" 2>&1
}

# field SED-EXPRESSION: the first value it extracts from $out (empty if none)
field() { printf '%s\n' "$out" | sed -n "$1" | head -1; }

# Sets f: the factor (2..8) by which the run's work fell short, 0 if it did
# not (also amin and checks: the least admin ops of a thread, the checks).
shortfall() {
	amin=$(field 's/.*admin max\/min [0-9]*\/\([0-9]*\) .*/\1/p')
	checks=$(field 's/^invariant checks: \([0-9]*\),.*/\1/p')
	f=0
	[ -n "$amin" ] && [ -n "$checks" ] || return
	if [ "$amin" -lt "$MIN_ADMIN_OPS" ]; then
		f=8
		[ "$amin" -gt 0 ] && f=$(((3 * MIN_ADMIN_OPS + 2 * amin - 1) / (2 * amin)))
	fi
	if [ "$checks" -lt "$MIN_CHECKS" ]; then
		g=8
		[ "$checks" -gt 0 ] && g=$(((3 * MIN_CHECKS + 2 * checks - 1) / (2 * checks)))
		[ "$g" -gt "$f" ] && f=$g
	fi
	[ "$f" -gt 0 ] && [ "$f" -lt 2 ] && f=2
	[ "$f" -gt 8 ] && f=8
}

# True when the run's verdict could change with more work (see above).
undecided() {
	if [ "$want" -eq 0 ]; then
		[ "$got" -eq 1 ] || return 1
		printf '%s\n' "$out" | grep -q '^invariant checks: [0-9]*, failures: 0$' || return 1
		printf '%s\n' "$out" | grep -q '^lock validator: 0 report(s)$' || return 1
		printf '%s\n' "$out" | grep -q '^leaks: none$' || return 1
		cov=$(field 's/^lock-path coverage: \([0-9]*\/[0-9]*\) .*/\1/p')
		[ -n "$cov" ] && [ "${cov%/*}" != "${cov#*/}" ]
	else
		[ "$got" -eq 0 ] && printf '%s\n' "$out" | grep -q '^SUCCESS$'
	fi
}

dur=
prev=
for a; do
	[ "$prev" = --duration ] && dur=$a
	prev=$a
done
while :; do
	if [ -n "$dur" ]; then
		out=$(run "$dur" "$@")
	else
		out=$("$@" 2>&1)
	fi
	got=$?
	[ -n "$dur" ] && undecided || break
	shortfall
	[ "$f" -gt 0 ] || break
	if [ "$dur" -ge "$MAX_SECONDS" ]; then
		printf '%s\n' "$out" | tail -20
		echo "expect.sh: hang guard: too little work to decide even with --duration $dur" \
			"(least admin ops of a thread $amin, invariant checks $checks)"
		exit 1
	fi
	next=$((dur * f))
	[ "$next" -gt "$MAX_SECONDS" ] && next=$MAX_SECONDS
	echo "expect.sh: --duration $dur was too short on this machine to decide" \
		"(least admin ops of a thread $amin, invariant checks $checks): again with $next s"
	dur=$next
done
if [ "$got" -ne "$want" ] || ! printf '%s\n' "$out" | grep -qF -- "$pat"; then
	printf '%s\n' "$out" | tail -60
	echo "expect.sh: wanted status $want and '$pat', got status $got"
	exit 1
fi
printf '%s\n' "$out" | grep -E 'SUCCESS|FAILURE|coverage|ops:|WARNING:|WATCHDOG' | head -12
exit 0
