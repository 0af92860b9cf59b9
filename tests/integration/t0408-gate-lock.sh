#!/usr/bin/env bash
# Two gates of one run at once would share the scratch worktree: the second
# is refused while the first runs; a lock left by a dead process is taken over.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
owns = ["alpha/**"]'

test_case "a second gate is refused while the first runs"
make_repo lock "$PLAN"
start_wave
work alpha alpha/a.txt "1"
sleep 60 &
holder=$!
printf '%s %s\n' "$holder" "$(hostname)" >"$REPO/.git/wave/demo/gate.lock"
run git -C "$REPO" wave gate
expect_rc 128
expect_err "another git wave gate is running on run 'demo' (process $holder"
kill "$holder"
wait "$holder" 2>/dev/null || true

test_case "a lock left by a process that is gone is taken over"
run git -C "$REPO" wave gate
expect_rc 0
[ ! -e "$REPO/.git/wave/demo/gate.lock" ] || fail "the lock was left behind"
