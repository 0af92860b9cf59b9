#!/usr/bin/env bash
# What a killed command leaves is recovered by the next one, and what is not
# git wave's own is reported truthfully; two commands at once: one wins, the
# other refuses or finds nothing to do, and nothing is written twice.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[[agent]]
name = "alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
owns = ["beta/**"]

[[agent]]
name = "gamma"
after = ["alpha"]
owns = ["gamma/**"]'

test_case "a lock file left on the run's own refs is removed by the next command"
make_repo stale "$PLAN"
start_wave
work alpha alpha/a.txt "a"
: >"$REPO/.git/refs/wave/demo/state.lock"
mkdir -p "$REPO/.git/refs/wave/demo/candidate"
printf '1234' >"$REPO/.git/refs/wave/demo/candidate/1.lock"
run git -C "$REPO" wave gate
expect_rc 0
expect_err "note: removed 'refs/wave/demo/state.lock', left by a killed git wave"
expect_err "note: removed 'refs/wave/demo/candidate/1.lock', left by a killed git wave"
[ -z "$(find "$REPO/.git" -name '*.lock')" ] || fail "lock files left: $(find "$REPO/.git" -name '*.lock')"

test_case "a lock on the integration branch is reported truthfully, and nothing moves"
before=$(tip main)
state=$(tip refs/wave/demo/state)
echo "0123456789012345678901234567890123456789" >"$REPO/.git/refs/heads/main.lock"
run git -C "$REPO" wave merge
expect_rc 128
expect_err "error: 'main' is locked: '$REPO/.git/refs/heads/main.lock' exists"
expect_err "hint: a git command is updating the branch, or one was killed while it did"
expect_eq "$(tip main)" "$before"
expect_eq "$(tip refs/wave/demo/state)" "$state" "the refused merge wrote the state"
rm "$REPO/.git/refs/heads/main.lock"
run git -C "$REPO" wave merge
expect_rc 0

test_case "a locked index in an agent's worktree: the lead commit refuses before anything moves"
start_wave
dir=$(wt gamma)
mkdir -p "$dir/gamma"
echo "left" >"$dir/gamma/g.txt"
: >"$(git -C "$dir" rev-parse --git-path index).lock"
branch_before=$(tip wave/demo/gamma)
run git -C "$REPO" wave commit
expect_rc 1
expect_out "the index of worktree '$dir' is locked"
expect_eq "$(tip wave/demo/gamma)" "$branch_before" "the branch moved"
rm "$(git -C "$dir" rev-parse --git-path index).lock"
run git -C "$REPO" wave commit
expect_rc 0
expect_eq "$(git -C "$dir" status --porcelain)" "" "the index does not match the lead commit"
expect_eq "$(git -C "$REPO" show wave/demo/gamma:gamma/g.txt)" "left"

test_case "a merge killed after it recorded its intent is finished by the next start"
run git -C "$REPO" wave gate
expect_rc 0
candidate=$(tip refs/wave/demo/candidate/2)
# What a merge killed between recording its intent and moving the branch
# leaves: the wave marked merged with its intent, the branch where it was.
state_file="$TEST_DIR/state.json"
git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c '
import json, sys
s = json.load(sys.stdin)
w = s["waves"][-1]
main = sys.argv[1]; cand = sys.argv[2]
w["status"] = "merged"
w["merged"] = {"from": main, "to": cand, "at": "2005-04-07T22:13:13Z"}
w["intent"] = {"kind": "merge", "started_at": "2005-04-07T22:13:13Z", "command": "git wave merge",
               "keep": False, "archive": "refs/wave/demo/archive/2-1", "agents": []}
print(json.dumps(s, indent=2))' "$(tip main)" "$candidate" >"$state_file"
write_state "$REPO" "$state_file" "merge wave 2: landing"
run git -C "$REPO" wave start
expect_rc 0
expect_err "note: finished the merge of wave 2 that a killed 'git wave merge' left: 'main' is at"
expect_eq "$(tip main)" "$candidate"
expect_out "run 'demo' is complete"
expect_eq "$(git -C "$REPO" status --porcelain)" "" "the main worktree did not follow"

test_case "two starts at once: one starts the wave, the other writes nothing"
for i in 1 2 3 4 5; do
  make_repo "race$i" "$PLAN"
  (git -C "$REPO" wave start >"$TEST_DIR/s1.out" 2>"$TEST_DIR/s1.err"; echo $? >"$TEST_DIR/s1.rc") &
  (git -C "$REPO" wave start >"$TEST_DIR/s2.out" 2>"$TEST_DIR/s2.err"; echo $? >"$TEST_DIR/s2.rc") &
  wait
  started=$(cat "$TEST_DIR/s1.out" "$TEST_DIR/s2.out" | grep -c "^starting wave 1")
  expect_eq "$started" 1 "runs that started wave 1: $(cat "$TEST_DIR"/s?.out "$TEST_DIR"/s?.err)"
  for n in 1 2; do
    if ! grep -q "^starting wave 1" "$TEST_DIR/s$n.out"; then
      grep -qE "already started: .*; nothing to do|run 'demo' is busy" "$TEST_DIR/s$n.out" "$TEST_DIR/s$n.err" ||
        fail "the loser does not say why: $(cat "$TEST_DIR/s$n.out" "$TEST_DIR/s$n.err")"
    fi
  done
  expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c '^worktree ')" 3
  expect_eq "$(git -C "$REPO" show refs/wave/demo/state:state.json | grep -c '"label"')" 1
  run git -C "$REPO" wave status
  expect_rc 0
done

test_case "merge against abort at once: exactly one wins"
make_repo versus "$PLAN"
start_wave
work alpha alpha/a.txt "a"
run git -C "$REPO" wave gate
expect_rc 0
(git -C "$REPO" wave merge >"$TEST_DIR/m.out" 2>"$TEST_DIR/m.err"; echo $? >"$TEST_DIR/m.rc") &
(git -C "$REPO" wave abort >"$TEST_DIR/a.out" 2>"$TEST_DIR/a.err"; echo $? >"$TEST_DIR/a.rc") &
wait
status=$(git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["waves"][0]["status"])')
if [ "$status" = merged ]; then
  expect_eq "$(cat "$TEST_DIR/m.rc")" 0
  expect_eq "$(git -C "$REPO" show main:alpha/a.txt)" "a"
  grep -qE "is merged: it cannot be aborted|run 'demo' is busy" "$TEST_DIR/a.err" ||
    fail "the abort does not say why: $(cat "$TEST_DIR/a.err")"
elif [ "$status" = aborted ]; then
  expect_eq "$(cat "$TEST_DIR/a.rc")" 0
  expect_eq "$(tip main)" "$(git -C "$REPO" rev-parse HEAD)"
  grep -qE "is not started|no started wave|run 'demo' is busy|aborted" "$TEST_DIR/m.err" ||
    fail "the merge does not say why: $(cat "$TEST_DIR/m.err")"
else
  fail "wave 1 is $status: $(cat "$TEST_DIR"/[ma].err)"
fi
[ -z "$(find "$REPO/.git" -name '*.lock')" ] || fail "lock files left: $(find "$REPO/.git" -name '*.lock')"

test_case "Ctrl-C during start takes its setup commands down; the rerun completes the wave"
make_repo interrupt "$PLAN"
sed -i '1a setup = ["echo started >> setup-runs.txt; sleep 30 & echo $! >> setup-pids.txt; wait; echo done >> setup-runs.txt"]' "$REPO/wave.toml"
git -C "$REPO" commit -q -am "slow setup"
(cd "$REPO" && exec git-wave start >"$TEST_DIR/start.out" 2>&1) &
starter=$!
wait_for "both setups to start" '[ "$(cat "$TEST_DIR"/interrupt.wave/demo/*/setup-runs.txt 2>/dev/null | wc -l)" -ge 2 ]'
kill -INT "$starter"
wait "$starter" 2>/dev/null || true
sleep 0.3
for pid in $(cat "$TEST_DIR"/interrupt.wave/demo/*/setup-pids.txt); do
  ! alive "$pid" || fail "a setup command survived the interrupt: process $pid"
done
sed -i 's/sleep 30 & echo $! >> setup-pids.txt; wait; //' "$REPO/wave.toml"
git -C "$REPO" commit -q -am "quick setup"
run git -C "$REPO" wave start
expect_rc 0
for agent in alpha beta; do
  expect_eq "$(tail -1 "$TEST_DIR/interrupt.wave/demo/$agent/setup-runs.txt")" "done"
done

test_case "merge from inside an agent's worktree refuses to remove the folder it runs in"
make_repo inside "$PLAN"
start_wave
work alpha alpha/a.txt "a"
run git -C "$REPO" wave gate
expect_rc 0
before=$(tip main)
alpha_wt=$(wt alpha)
run git -C "$alpha_wt" wave merge
expect_rc 128
expect_err "error: refusing to merge from inside the worktree of agent 'alpha'"
expect_err "hint: run 'git wave merge' from the main worktree, or keep the worktrees with --keep"
expect_eq "$(tip main)" "$before"
[ -d "$alpha_wt" ] || fail "the worktree went"
run git -C "$REPO" wave merge
expect_rc 0
