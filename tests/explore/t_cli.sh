#!/bin/bash
# SPDX-License-Identifier: MIT
# t_cli.sh VFIO_AP_SIM - `vfio-ap-sim explore` from the command line
# (docs/explorer.md §1): exit statuses 0/1/2/3, the human report, --json,
# a replay string copied from a report that deadlocks again, the operation
# list, and usage errors that say what is wrong.
exe=$1
n=0
failed=0
ok() { # DESCRIPTION CONDITION: one TAP line, the condition evaluated by the shell
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
	fi
}
run() { # OUT-VAR CMD...: runs it, stdout+stderr into the variable, status into rc
	local __v=$1 __o
	shift
	__o=$("$@" 2>&1)
	rc=$?
	printf -v "$__v" '%s' "$__o"
}

run out "$exe" explore --list
ops=$(echo "$out" | grep -c '^  [a-z_]* ')
ok "--list: 19 operations (got $ops, exit $rc)" '[ $rc = 0 ] && [ "$ops" = 19 ]'

run out "$exe" explore assign_domain apmask
ok "merged assign_domain + apmask: nothing found, exit 0 (exit $rc)" \
	'[ $rc = 0 ] && grep -q "verdict: nothing found, every schedule in scope covered" <<<"$out"'

run out "$exe" explore --variant v18-blocking assign_adapter apmask
replay=$(sed -n "s/^replay: .* --replay '\(.*\)'$/\1/p" <<<"$out")
ok "v18-blocking assign_adapter + apmask: DEADLOCK with its lock cycle, exit 1 (exit $rc)" \
	'[ $rc = 1 ] && grep -q "^DEADLOCK: 2 of 2 operations blocked" <<<"$out" &&
	 grep -qF "classes: ap_perms_mutex -> &matrix_dev->guests_lock -> ap_perms_mutex" <<<"$out"'
ok "the report ends with a replay command" '[ -n "$replay" ]'

run again "$exe" explore --replay "$replay"
ok "the replay string deadlocks again in one execution, exit 1 (exit $rc)" \
	'[ $rc = 1 ] && grep -q "^1 execution " <<<"$again" && grep -q "^DEADLOCK" <<<"$again"'
s1=$(sed -n '/^schedule/,/^$/p' <<<"$out")
s2=$(sed -n '/^schedule/,/^$/p' <<<"$again")
ok "  with the same schedule" '[ -n "$s1" ] && [ "$s1" = "$s2" ]'

run trace "$exe" explore --replay "$replay" --trace
steps=$(grep -c '^ *[0-9]\+ T[0-9] ' <<<"$trace")
ok "--trace prints each of the 5 steps (got $steps)" '[ $rc = 1 ] && [ "$steps" = 5 ]'

run out "$exe" explore --json --variant v18 assign_domain apmask
json_ok() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["verdict"] == "found" and d["complete"] and d["raw_keys"] == 0
f = d["finding"]
assert f["kind"] == "non-serializable" and f["explained"] is None and f["preemptions"] == 1
assert f["replay"].startswith("ex1:v18:detached:assign_domain+apmask:")
assert "apmask=-16" in f["report"]
' <<<"$out"
}
ok "--json: v18's spurious EBUSY as a non-serializable finding (exit $rc)" '[ $rc = 1 ] && json_ok'

run out "$exe" explore remove remove
ok "merged remove + remove: the explained finding, exit 0 (exit $rc)" \
	'[ $rc = 0 ] && grep -q "verdict: explained finding .concurrent-remove." <<<"$out"'

run out "$exe" explore --state attached --max-executions 3 remove host_config
ok "--max-executions 3 on a large pair: incomplete, exit 3 (exit $rc)" \
	'[ $rc = 3 ] && grep -q incomplete <<<"$out"'

run out "$exe" explore --variant v18-blocking --bound 0 assign_adapter apmask
ok "--bound 0: serial schedules only, no deadlock (the validator's report remains; exit $rc)" \
	'[ $rc = 1 ] && grep -q "at most 0 preemptions" <<<"$out" && ! grep -q "^DEADLOCK:" <<<"$out"'

bad() { # PATTERN ARGS...: exit 2 and a message containing PATTERN
	local p=$1
	shift
	run out "$exe" explore "$@"
	ok "explore $*: exit 2, '$p' (exit $rc: ${out%%$'\n'*})" '[ $rc = 2 ] && grep -qF -- "$p" <<<"$out"'
}
bad "unknown operation 'jump'" assign_adapter jump
bad "unknown variant 'nosuch'" --variant nosuch assign_adapter apmask
bad "'aqic' needs a guest: use --state attached" --state detached aqic reset
bad "--bound" --bound x assign_adapter apmask
bad "not a replay string" --replay 'ex2:merged:detached:remove:0:start'
bad "replay diverges" --replay 'ex1:merged:detached:remove+remove:0:start|&kvm->lock'
echo "1..$n"
[ "$failed" = 0 ]
