#!/usr/bin/env bash
# A gate command that hangs is killed at the plan's timeout, with everything
# it started.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

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
! alive "$child" || fail "the gate's child $child still runs"
! alive "$gate" || fail "the gate $gate still runs"
expect_eq "$(git -C "$REPO" show refs/wave/demo/state:state.json | grep -c '"status": "timeout"')" "1"

test_case "a gate interrupted by a signal takes its commands down with it"
make_repo interrupted "${PLAN/2s/30s}" "$GATE"
start_wave
work alpha alpha/a.txt "1"
rm -f "$HOME/child.pid" "$HOME/gate.pid"
git -C "$REPO" wave gate --no-bisect >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
wave_pid=$!
wait_for "the gate and its child to start" '[ -s "$HOME/child.pid" ] && [ -s "$HOME/gate.pid" ]'
kill -TERM "$wave_pid"
set +e
wait "$wave_pid"
RC=$?
set -e
expect_rc 143
child=$(cat "$HOME/child.pid")
gate=$(cat "$HOME/gate.pid")
! alive "$child" || fail "the gate's child $child still runs"
! alive "$gate" || fail "the gate $gate still runs"

test_case "gate commands do not see an outer git's GIT_DIR or index"
make_repo outer 'name = "demo"
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
owns = ["alpha/**"]' 'echo "${GIT_DIR-unset} ${GIT_INDEX_FILE-unset} $(git rev-parse --show-toplevel)" >"$HOME/gate-env"'
start_wave
work alpha alpha/a.txt "1"
rm -f "$HOME/gate-env"
run env GIT_DIR="$REPO/.git" GIT_INDEX_FILE="$REPO/.git/index" git -C "$REPO" wave gate --no-bisect
expect_rc 0
case $(cat "$HOME/gate-env") in
"unset unset $REPO") fail "the gate ran in the main worktree" ;;
"unset unset $REPO/.git/wave/demo/scratch") ;; # its own scratch worktree
*) fail "the gate command saw the outer git: $(cat "$HOME/gate-env")" ;;
esac
