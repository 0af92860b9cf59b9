#!/usr/bin/env bash
# Budgets of turns and attempts, of an agent and of the run, with scripted
# agents whose output is an agent CLI's (Codex's JSON events, which the
# usage reader counts turns from as they come): an attempt past its turns
# is ended as it goes, with a budget event; no attempt is launched past a
# budget, in this 'git wave run' or a later one (retries are per run
# command; budgets hold for the run); plan errors name the place.
. "$(dirname "$0")/lib.sh"

# The agents' scripts: 'turns N' prints N of Codex's tool-call events,
# then does its work, or, with 'wait', waits to be ended (the plan's
# timeout ends it otherwise, which fails the test).
cat >"$TEST_DIR/turns.sh" <<'SH'
n=$1
i=0
while [ "$i" -lt "$n" ]; do
  echo '{"type":"item.completed","item":{"type":"command_execution","status":"completed"}}'
  i=$((i + 1))
done
if [ "${2:-}" = wait ]; then
  echo "$$" >"$TEST_DIR/waiting.pid"
  while :; do sleep 1; done
fi
mkdir -p "$GIT_WAVE_AGENT" && echo "work of $GIT_WAVE_AGENT" >"$GIT_WAVE_AGENT/work.txt"
echo '{"type":"turn.completed","usage":{"input_tokens":120,"output_tokens":30}}'
SH

plan() {
  cat <<TOML
name = "demo"
worktrees = "../wt/{agent}"
[run]
timeout = "5m"
retries = 3
$1
[[agent]]
name = "a"
owns = ["a/**"]
launch = "TEST_DIR='$TEST_DIR' sh '$TEST_DIR/turns.sh' 4 wait"
budget_turns = 3
[[agent]]
name = "b"
owns = ["b/**"]
launch = "TEST_DIR='$TEST_DIR' sh '$TEST_DIR/turns.sh' 2"
[[agent]]
name = "c"
owns = ["c/**"]
launch = "echo 'c fails'; exit 1"
budget_attempts = 2
TOML
}

fresh() {
  rm -rf "$TEST_DIR/repo" "$TEST_DIR/wt"
  REPO="$TEST_DIR/repo"
  new_repo "$REPO"
  printf '%s\n' "$1" >"$REPO/wave.toml"
  git -C "$REPO" add wave.toml
  git -C "$REPO" commit -q -m "plan"
}

test_case "plan: a budget of turns or attempts is a whole number from 1, its place named"
fresh "$(plan 'budget_turns = 0')"
run git -C "$REPO" wave plan
expect_rc 128
expect_err "wave.toml:6:16: error: 'budget_turns' must be at least 1, not 0"
fresh "$(plan 'budget_attempts = "2"')"
run git -C "$REPO" wave plan
expect_rc 128
expect_err "wave.toml:6:19: error: 'budget_attempts' must be an integer, not a string"

test_case "an attempt past its turns is ended as it goes; no attempt past a budget; the rest is done"
fresh "$(plan '')"
run git -C "$REPO" wave run --json
expect_rc 1
# a: ended at its fourth turn of three, with a budget event naming it, and
# not launched again although retries are left.
expect_out '"event":"budget","at":'
expect_out '"agent":"a","attempt":1,"ok":false,"detail":"attempt ended: the budget of '\''a'\'' is passed: 4 turns of 3"'
expect_out '"agent":"a","attempt":1,"ok":false,"detail":"failed: ended by git wave run after'
expect_out '"agent":"a","attempt":0,"ok":false,"detail":"not launched again: the budget of '\''a'\'' is spent: 4 turns of 3"'
! alive "$(cat "$TEST_DIR/waiting.pid")" || fail "a's attempt outlived its budget"
# c: two attempts of two, then no third although retries are left.
expect_out '"agent":"c","attempt":2,"ok":false'
expect_out "not launched again: the budget of 'c' is spent: 2 attempts of 2"
grep -q '"agent":"c","attempt":3' "$TEST_DIR/out" && fail "c was launched a third time"
# b: done, its usage in its exited event.
# (Codex's count: two tool calls and the answer.)
expect_out '"agent":"b","attempt":1,"ok":true,"detail":"done: proven done (3 turns, 120 tokens in, 30 out)"'
expect_out '"usage":{"cost_usd":null,"turns":3,"input_tokens":120,"output_tokens":30}'
blocked=$(grep '"event":"blocked"' "$TEST_DIR/out") || fail "no blocked event: $(cat "$TEST_DIR/out")"
case $blocked in *"the budget of 'a' is spent: 4 turns of 3"*) ;; *) fail "blocked for another reason: $blocked" ;; esac
case $blocked in *"the budget of 'c' is spent: 2 attempts of 2"*) ;; *) fail "blocked for another reason: $blocked" ;; esac
a_turns=$(git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print([a["usage"]["turns"] for w in json.load(sys.stdin)["waves"] for a in w["attempts"] if a["agent"] == "a"])')
expect_eq "$a_turns" "[4]" "the turns recorded for a's attempt"

test_case "budgets hold for the run: a later 'git wave run' launches nothing past them"
run git -C "$REPO" wave run
expect_rc 1
expect_out "budget: not launched: the budget of 'a' is spent: 4 turns of 3"
expect_out "budget: not launched: the budget of 'c' is spent: 2 attempts of 2"
grep -q "a#2 launched\|c#3 launched" "$TEST_DIR/out" && fail "launched past a budget"
run git -C "$REPO" wave status
expect_rc 0
expect_out "4 turns"

test_case "a budget raised in a committed plan the run takes ('git wave amend') lets it launch again"
sed -i 's/^budget_attempts = 2$/budget_attempts = 3/' "$REPO/wave.toml"
git -C "$REPO" commit -q -am "one more attempt for c"
run git -C "$REPO" wave amend
expect_rc 0
expect_out "the budgets of agent 'c' changed"
run git -C "$REPO" wave run
expect_rc 1
expect_out "c#3 launched"
expect_out "budget: not launched again: the budget of 'c' is spent: 3 attempts of 3"

test_case "the run's budget of turns: a later wave is not launched once it is spent"
fresh "name = \"demo\"
worktrees = \"../wt/{agent}\"
[run]
timeout = \"5m\"
budget_turns = 3
[[agent]]
name = \"a\"
owns = [\"a/**\"]
launch = \"TEST_DIR='$TEST_DIR' sh '$TEST_DIR/turns.sh' 2\"
[[agent]]
name = \"d\"
after = [\"a\"]
owns = [\"d/**\"]
launch = \"TEST_DIR='$TEST_DIR' sh '$TEST_DIR/turns.sh' 1\""
run git -C "$REPO" wave run
expect_rc 1
expect_out "wave 1 merged"
expect_out "budget: not launched: the run's budget is spent: 3 turns of 3"
grep -q "d#1 launched" "$TEST_DIR/out" && fail "d was launched past the run's budget"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"

test_case "the run's budget of attempts, across agents"
fresh "name = \"demo\"
worktrees = \"../wt/{agent}\"
[run]
retries = 5
budget_attempts = 3
[[agent]]
name = \"c\"
owns = [\"c/**\"]
launch = \"exit 1\""
run git -C "$REPO" wave run
expect_rc 1
expect_out "c#3 exited: failed"
expect_out "budget: not launched again: the run's budget is spent: 3 attempts of 3"
grep -q "c#4 launched" "$TEST_DIR/out" && fail "c was launched a fourth time"
true
