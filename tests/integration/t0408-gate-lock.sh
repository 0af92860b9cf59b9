#!/usr/bin/env bash
# One run lock (an flock the kernel drops when its holder dies) is held by
# every command that changes a run: while a gate runs, a second gate, a
# merge, an abort and a commit are refused, naming who holds it, and change
# nothing; readers go on; a holder killed with -9 leaves nothing to clean up.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
owns = ["alpha/**"]'

make_repo lock "$PLAN"
cat >"$REPO/gate.sh" <<'SH'
touch "$WAVE_TEST_FLAG.running"
while [ ! -e "$WAVE_TEST_FLAG.go" ]; do sleep 0.05; done
SH
git -C "$REPO" add gate.sh
git -C "$REPO" commit -q -m "a gate that waits"
start_wave
work alpha alpha/a.txt "1"
export WAVE_TEST_FLAG="$TEST_DIR/flag"

# start_gate: a gate in the background, waited for until its command runs.
start_gate() {
  rm -f "$WAVE_TEST_FLAG.running" "$WAVE_TEST_FLAG.go"
  (git -C "$REPO" wave gate >"$TEST_DIR/gate.out" 2>&1; echo $? >"$TEST_DIR/gate.rc") &
  GATE_PID=$!
  wait_for "the gate to start (its output: $TEST_DIR/gate.out)" '[ -e "$WAVE_TEST_FLAG.running" ]'

}

start_gate
state_before=$(git -C "$REPO" rev-parse refs/wave/demo/state)
for cmd in gate merge abort commit; do
  test_case "'git wave $cmd' is refused while a gate holds the run, naming it"
  run git -C "$REPO" wave "$cmd"
  expect_rc 128
  expect_err "error: run 'demo' is busy: git wave gate holds its lock (process "
  expect_err "hint: wait for it to finish, then run the command again; nothing was changed"
  expect_eq "$(git -C "$REPO" rev-parse refs/wave/demo/state)" "$state_before" "the state moved"
done

test_case "readers need no lock"
run git -C "$REPO" wave status
expect_rc 0

test_case "the gate that held the lock finishes and lets go; nothing is left behind"
touch "$WAVE_TEST_FLAG.go"
wait "$GATE_PID"
expect_eq "$(cat "$TEST_DIR/gate.rc")" 0 "the gate failed: $(cat "$TEST_DIR/gate.out")"
[ ! -e "$REPO/.git/wave/demo/lock" ] || fail "the lock file was left behind"

test_case "a gate killed with -9 leaves no lock that stops the next command"
work alpha alpha/b.txt "2"
start_gate
holder=$(sed -n 2p "$REPO/.git/wave/demo/lock")
kill -KILL "$holder"
wait "$GATE_PID" 2>/dev/null || true
touch "$WAVE_TEST_FLAG.go"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_out "merged wave 1 of run 'demo'"
