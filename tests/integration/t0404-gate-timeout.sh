#!/usr/bin/env bash
# A gate command that hangs is killed at the plan's timeout, with everything
# it started.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate_lib.sh"

PLAN='name = "demo"
[gate]
commands = ["sh gate.sh"]
timeout = "2s"

[[agent]]
name = "alpha"
owns = ["alpha/**"]'

GATE='sleep 300 &
echo $! >"$HOME/child.pid"
echo $$ >"$HOME/gate.pid"
echo "hanging"
wait'

test_case "a gate that hangs is killed at its timeout with its children"
make_repo hang "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "1"
rm -f "$HOME/child.pid" "$HOME/gate.pid"
run git -C "$REPO" wave gate --no-bisect
expect_rc 1
expect_out "timeout gate: sh gate.sh"
expect_out "timed out after"
expect_out "hanging"
child=$(cat "$HOME/child.pid")
gate=$(cat "$HOME/gate.pid")
! kill -0 "$child" 2>/dev/null || fail "the gate's child $child still runs"
! kill -0 "$gate" 2>/dev/null || fail "the gate $gate still runs"
expect_eq "$(git -C "$REPO" show refs/wave/demo/state:state.json | grep -c '"status": "timeout"')" "1"
