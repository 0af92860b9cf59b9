#!/usr/bin/env bash
# git wave logs per attempt (--attempt N, --list), and logs capped on disk
# as CI systems cap them: the first and the last part kept, a marker line
# saying how much was dropped between, the cap ([run] log_cap) holding
# while the agent writes, and after the run that launched it was killed.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

plan() {
  local cap=${2:-'"4KiB"'}
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
[run]
launch = "sh $AGENT"
retries = 1
log_cap = $cap
[[agent]]
name = "a"
owns = ["a/**"]
TOML
}


log_of() { echo "$REPO/.git/wave/demo/logs/1/a-attempt-$1.log"; }

test_case "two attempts: --list lists them, --attempt N prints each, the first capped with its head and tail"
fresh two "$(plan two)"
behave a 1 'i=0; while [ $i -lt 3000 ]; do echo "noise $i"; i=$((i + 1)); done; echo "last words of 1"; exit 3'
behave a 2 'echo "second attempt here"'
run git -C "$REPO" wave run
expect_rc 0
run git -C "$REPO" wave logs --list a
expect_rc 0
expect_out "attempt 1  failed"
expect_out "attempt 2  done"
expect_out "$(log_of 1)"
run git -C "$REPO" wave logs --attempt 1 a
expect_rc 0
head -1 "$TEST_DIR/out" | grep -qx "agent a, attempt 1, wave 1 of demo" || fail "the head is not kept: $(head -3 "$TEST_DIR/out")"
expect_eq "$(tail -1 "$TEST_DIR/out")" "last words of 1" "the log's last line"
grep -q '^\[git wave: [0-9]* bytes ([0-9]* lines) dropped here: the log is capped at 4.0KiB (log_cap); its first and last parts are kept\]$' "$TEST_DIR/out" ||
  fail "no marker line: $(cat "$TEST_DIR/out")"
size=$(stat -c %s "$(log_of 1)")
[ "$size" -le $((4096 + 200)) ] || fail "the log is $size bytes, past its cap"
# What was kept and dropped adds up to what the agent wrote.
dropped=$(sed -n 's/^\[git wave: \([0-9]*\) bytes.*/\1/p' "$TEST_DIR/out")
marker=$(grep '^\[git wave: ' "$TEST_DIR/out" | wc -c)
written=$( (echo "agent a, attempt 1, wave 1 of demo"; echo "a not on a terminal"; i=0; while [ $i -lt 3000 ]; do echo "noise $i"; i=$((i + 1)); done; echo "last words of 1") | wc -c)
expect_eq "$((size - marker + dropped))" "$written" "kept + dropped against written"
run git -C "$REPO" wave logs a
expect_rc 0
expect_out "second attempt here"
run git -C "$REPO" wave logs --attempt 2 a
expect_out "second attempt here"
run git -C "$REPO" wave logs --attempt 3 a
expect_rc 128
expect_err "error: agent 'a' has no attempt 3 in run 'demo' (its attempts: 1 to 2)"
expect_err "hint: 'git wave logs --list a' lists them"

test_case "the cap holds while the agent writes, and after the run is killed -9"
fresh live "$(plan live)"
behave a 1 'i=0; while [ $i -lt 3000 ]; do echo "early $i"; i=$((i + 1)); done
touch "$WAVE_TEST_DIR/printed"
while [ ! -e "$WAVE_TEST_DIR/go" ]; do sleep 0.05; done
i=0; while [ $i -lt 3000 ]; do echo "late $i"; i=$((i + 1)); done; echo "the very end"'
kill_run_when "$TEST_DIR/run.out" KILL '[ -e "$TEST_DIR/printed" ] && grep -q "^early 2999$" "$(log_of 1)"'
size=$(stat -c %s "$(log_of 1)")
[ "$size" -le $((4096 + 200)) ] || fail "the log is $size bytes while the agent writes, past its cap"
grep -q '^\[git wave: ' "$(log_of 1)" || fail "no marker while the agent writes"
touch "$TEST_DIR/go"
wait_for "the agent's last line in its log" '[ -s "$(log_of 1).exit" ] && grep -q "^the very end$" "$(log_of 1)"'
size=$(stat -c %s "$(log_of 1)")
[ "$size" -le $((4096 + 200)) ] || fail "the log is $size bytes, past its cap"
head -1 "$(log_of 1)" | grep -qx "agent a, attempt 1, wave 1 of demo" || fail "the head is not kept"
grep -q '^late 2999$' "$(log_of 1)" || fail "the tail is not kept"

test_case "log_cap = \"none\" keeps the whole log"
fresh whole "$(plan whole '"none"')"
behave a 1 'i=0; while [ $i -lt 3000 ]; do echo "noise $i"; i=$((i + 1)); done'
run git -C "$REPO" wave run
expect_rc 0
run git -C "$REPO" wave logs a
expect_eq "$(grep -c '^noise ' "$TEST_DIR/out")" 3000 "lines in the uncapped log"
! grep -q '^\[git wave: ' "$TEST_DIR/out" || fail "a marker in an uncapped log"

test_case "a bad log_cap is an error at its place in the plan"
fresh bad "$(plan bad '"5XB"')"
run git -C "$REPO" wave plan
expect_rc 128
expect_err "wave.toml:6:11: error: invalid size '5XB' for 'log_cap'"
expect_err "hint: write a size with a unit"
