#!/usr/bin/env bash
# Two `git wave merge` at once: exactly one wins, the other says why.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[[agent]]
name = "a1"
owns = ["a1/**"]

[[agent]]
name = "a2"
after = ["a1"]
owns = ["a2/**"]

[[agent]]
name = "a3"
after = ["a2"]
owns = ["a3/**"]'

race() {
  (set +e; git -C "$REPO" wave merge >"$TEST_DIR/out1" 2>"$TEST_DIR/err1"; echo $? >"$TEST_DIR/rc1") &
  (set +e; git -C "$REPO" wave merge >"$TEST_DIR/out2" 2>"$TEST_DIR/err2"; echo $? >"$TEST_DIR/rc2") &
  wait
}

make_repo race "$PLAN"
n=0
for agent in a1 a2 a3; do
  n=$((n + 1))
  test_case "two merges at once of the wave of $agent: exactly one wins, the other says why"
  start_wave
  work "$agent" "$agent/work.txt" "work of $agent"
  run git -C "$REPO" wave gate
  expect_rc 0
  candidate=$(tip "refs/wave/demo/candidate/$n")
  race
  rc1=$(cat "$TEST_DIR/rc1")
  rc2=$(cat "$TEST_DIR/rc2")
  if [ "$rc1" = 0 ]; then loser=2; else loser=1; fi
  [ "$rc1$rc2" = "01" ] || [ "$rc1$rc2" = "10" ] ||
    fail "exit codes $rc1 and $rc2; err1: $(cat "$TEST_DIR/err1"); err2: $(cat "$TEST_DIR/err2")"
  echo "# the loser said: $(head -1 "$TEST_DIR/err$loser")"
  # A loser that came while the winner held the run lock for longer than
  # it waits (on a busy machine) says who holds it; one that came after
  # says the wave is merged.
  grep -qE "merged by another git wave merge|being merged by another git wave merge|already merged|moved underneath|is busy: git wave merge holds its lock" \
    "$TEST_DIR/err$loser" || fail "the loser does not say why: $(cat "$TEST_DIR/err$loser")"
  expect_eq "$(tip main)" "$candidate" "main is not at the candidate"
  expect_eq "$(git -C "$REPO" status --porcelain)" ""
done
expect_eq "$(git -C "$REPO" log --first-parent --format=%s main | head -3)" "Merge wave 3 agent 'a3': a3
Merge wave 2 agent 'a2': a2
Merge wave 1 agent 'a1': a1"
