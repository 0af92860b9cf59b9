#!/usr/bin/env bash
# Gates are protected like attempts: one gate per worktree. A gate's
# commands outlive a `git wave run` killed with -9 (their process group is
# their own); the gate lock they inherit says they still run, so the rerun
# (or `git wave gate` by hand) stops them first, saying so, and never runs a
# second gate beside them in the same worktree.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

# probe.sh NAME: a gate command that notes its start and end in
# $TEST_DIR/NAME.events, and an overlap when another probe of that name is
# at work; its first run hangs until it is stopped. It writes nothing to
# its output: a write to the pipe of a killed run would end it by SIGPIPE.
cat >"$TEST_DIR/probe.sh" <<'SH'
exec >/dev/null 2>&1
ev="$WAVE_TEST_DIR/$1.events"
busy="$WAVE_TEST_DIR/$1.busy"
trap 'echo "stopped $$" >>"$ev"; rmdir "$busy"; exit 143' TERM
mkdir "$busy" 2>/dev/null || echo "overlap $$ in $PWD" >>"$ev"
echo "start $$" >>"$ev"
if [ ! -e "$WAVE_TEST_DIR/$1.hung" ]; then
  touch "$WAVE_TEST_DIR/$1.hung"
  while :; do sleep 0.05; done
fi
echo "end $$" >>"$ev"
rmdir "$busy"
SH

plan() {
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
[gate]
commands = ['sh "\$WAVE_TEST_DIR/probe.sh" plan']
[run]
launch = "sh $AGENT"
[[agent]]
name = "a"
owns = ["a/**"]
${2:-}
TOML
}

# reset NAME: no events of the probe NAME yet, its next run hangs.
reset() { rm -rf "$TEST_DIR/$1.events" "$TEST_DIR/$1.busy" "$TEST_DIR/$1.hung"; }

# events NAME: the probe's events with the process ids as 1, 2, ... in order
# of appearance.
events() {
  awk '{ if (!($2 in id)) id[$2] = ++n; $2 = id[$2]; print }' "$TEST_DIR/$1.events"
}

test_case "kill -9 during the wave's gate: the rerun stops the gate left running, then gates alone"
fresh plan "$(plan plan)"
reset plan
kill_run_when "$TEST_DIR/run1.out" KILL 'grep -q "^start" "$TEST_DIR/plan.events"'
[ -d "$TEST_DIR/plan.busy" ] || fail "the gate did not outlive the run: $(cat "$TEST_DIR/plan.events")"
expect_eq "$(events plan)" "start 1" "the gate's events after the kill"
scratch=$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir)/wave/demo/scratch
run git -C "$REPO" wave run
expect_rc 0
expect_out "waiting: stopping the gate step 'sh \"\$WAVE_TEST_DIR/probe.sh\" plan' that a killed git wave run (process "
expect_out "left running in '$scratch' since "
expect_out "done: every wave is merged"
expect_eq "$(events plan)" "start 1
stopped 1
start 2
end 2" "the gate's events (one gate at a time in the scratch worktree)"
[ ! -e "$REPO/.git/wave/demo/gates" ] || fail "the gate locks were left behind: $(ls "$REPO/.git/wave/demo/gates")"

test_case "kill -9 during an agent's own gate: 'git wave gate' by hand stops it first"
fresh own "$(plan own 'gate = ['"'"'sh "$WAVE_TEST_DIR/probe.sh" own'"'"']')"
reset own
touch "$TEST_DIR/plan.hung" # the wave's gate passes at once
kill_run_when "$TEST_DIR/run2.out" KILL 'grep -q "^start" "$TEST_DIR/own.events"'
[ -d "$TEST_DIR/own.busy" ] || fail "the agent's gate did not outlive the run: $(cat "$TEST_DIR/own.events")"
run git -C "$REPO" wave gate
expect_rc 0
expect_out "stopping the gate step 'sh \"\$WAVE_TEST_DIR/probe.sh\" own' that a killed git wave run (process "
expect_out "left running in '$(wt a)' since "
expect_eq "$(events own)" "start 1
stopped 1
start 2
end 2" "the agent gate's events (one gate at a time in its worktree)"

test_case "kill -9 during a gate, then 'git wave abort': the gate left running is stopped before its worktree goes"
fresh aborted "$(plan aborted)"
reset plan
kill_run_when "$TEST_DIR/run4.out" KILL 'grep -q "^start" "$TEST_DIR/plan.events"'
stale=$(awk '/^start/ { print $2 }' "$TEST_DIR/plan.events")
alive "$stale" || fail "the gate did not outlive the run"
run git -C "$REPO" wave abort
expect_rc 0
! alive "$stale" || fail "the gate $stale still runs after the abort"
expect_eq "$(events plan)" "start 1
stopped 1" "the gate's events"
[ ! -e "$REPO/.git/wave/demo/gates" ] || fail "the gate locks were left behind"

test_case "a gate whose command ignores SIGTERM is killed after the grace"
fresh stubborn "$(plan stubborn)"
reset plan
sed -i 's/^trap .*/trap "" TERM/' "$TEST_DIR/probe.sh"
kill_run_when "$TEST_DIR/run3.out" KILL 'grep -q "^start" "$TEST_DIR/plan.events"'
stale=$(awk '/^start/ { print $2 }' "$TEST_DIR/plan.events")
rm -f "$TEST_DIR/plan.events"
rmdir "$TEST_DIR/plan.busy"
run git -C "$REPO" wave gate
expect_rc 0
expect_out "stopping the gate step"
! alive "$stale" || fail "the stale gate $stale still runs"
expect_eq "$(events plan)" "start 1
end 1" "the second gate's events"
