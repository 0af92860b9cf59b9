#!/usr/bin/env bash
# Attack, issue 17 item 2: a forged run state fetched from a remote. The
# server here is a plain bare repository WITHOUT git wave's hook (a forge,
# a server set up by hand): an agent with push access writes the run's
# state. The lead verifies every state it fetches (remote/verify_state) and
# refuses, loudly and changing nothing here:
# - a child of the state whose recorded plan gives the agent '**', empties
#   another's ownership, drops `protected` and changes the gate command to
#   one that writes $TEST_DIR/PWNED: the gate never runs it;
# - a state recording a passing gate for a candidate of the agent's
#   choosing: merge rebuilds the candidate from the recorded tips and lands
#   nothing;
# - the state deleted and written anew with unrelated history, and an older
#   state (a rewind): refused, never "kept".
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "sec"
remote = "origin"
worktrees = "{repo}.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

FORGED="name = \"sec\"
remote = \"origin\"
worktrees = \"{repo}.wt/{agent}\"
[gate]
commands = [\"touch $TEST_DIR/PWNED\"]
[[agent]]
name = \"a\"
owns = [\"**\"]
[[agent]]
name = \"b\"
owns = []"

# A plain bare server: no pre-receive hook refuses anything.
git init -q --bare "$SERVER"
make_lead "$PLAN"
run git -C "$LEAD" wave start
expect_rc 0
expect_out "published run 'sec' to 'origin'"

machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" config user.name agent
git -C "$AGENT" config user.email agent@example.com

# forge_state PLAN_FILE STATE_FILE [PARENT]: in the agent's clone, a state
# commit holding these files (child of PARENT when given), pushed over the
# server's state; prints nothing, sets FORGED_STATE.
forge_state() {
  local plan_blob state_blob tree
  plan_blob=$(git -C "$AGENT" hash-object -w "$1")
  state_blob=$(git -C "$AGENT" hash-object -w "$2")
  tree=$(printf '100644 blob %s\tplan.toml\n100644 blob %s\tstate.json\n' "$plan_blob" "$state_blob" |
    git -C "$AGENT" mktree)
  FORGED_STATE=$(git -C "$AGENT" commit-tree "$tree" ${3:+-p "$3"} -m "git wave: forged")
  git -C "$AGENT" push -q --force origin "$FORGED_STATE:refs/wave/sec/state"
}

fetch_state() {
  git -C "$AGENT" fetch -q --force origin 'refs/wave/sec/*:refs/wave/sec/*'
  git -C "$AGENT" show refs/wave/sec/state:state.json >"$TEST_DIR/state.json"
  git -C "$AGENT" show refs/wave/sec/state:plan.toml >"$TEST_DIR/plan.toml"
}

# The lead's record and the server's, before each attack.
snapshot() {
  main_before=$(git -C "$LEAD" rev-parse main)
  server_main=$(git -C "$SERVER" rev-parse main)
  state_before=$(git -C "$LEAD" rev-parse refs/wave/sec/state)
}

unchanged() {
  expect_eq "$(git -C "$LEAD" rev-parse main)" "$main_before" "the lead's main moved"
  expect_eq "$(git -C "$SERVER" rev-parse main)" "$server_main" "the server's main moved"
  expect_eq "$(git -C "$LEAD" rev-parse refs/wave/sec/state)" "$state_before" "the lead took the forged state"
}

# restore: the lead puts its record back on the server, as the hint says.
restore() {
  git -C "$LEAD" push -q --force-with-lease="refs/wave/sec/state:$(git -C "$SERVER" rev-parse refs/wave/sec/state)" \
    origin "$(git -C "$LEAD" rev-parse refs/wave/sec/state):refs/wave/sec/state"
}

test_case "a forged child of the state (owns **, another gate command) is refused by gate: nothing runs"
# Agent a also puts a change to b's file on its branch: the forged plan would let it through.
git -C "$AGENT" checkout -q wave/sec/a
mkdir -p "$AGENT/a" "$AGENT/b"
echo "a's work" >"$AGENT/a/work.txt"
echo "not a's" >"$AGENT/b/auth.c"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "a: work, and b's file"
git -C "$AGENT" push -q origin wave/sec/a
fetch_state
printf '%s\n' "$FORGED" >"$TEST_DIR/plan.toml"
forge_state "$TEST_DIR/plan.toml" "$TEST_DIR/state.json" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)"
snapshot
run git -C "$LEAD" wave gate
expect_rc 128
expect_err "error: the state of run 'sec' on 'origin' records another plan than the one bound at start"
expect_err "agent 'a' owns ** instead of a/**"
expect_err "agent 'b' owns nothing instead of b/**"
expect_err "protected is nothing instead of wave.toml"
expect_err "the gate's commands changed"
expect_err "a lead can inspect it with: git log -p refs/wave-remote/origin/sec/state"
expect_err "git push --force-with-lease=refs/wave/sec/state:$FORGED_STATE origin"
[ ! -e "$TEST_DIR/PWNED" ] || fail "the forged gate command ran on the lead"
unchanged
expect_eq "$(git -C "$LEAD" rev-parse -q --verify refs/heads/wave/sec/a)" "$main_before" "a's branch moved here"

test_case "merge and status refuse the forged state too"
run git -C "$LEAD" wave merge
expect_rc 128
expect_err "records another plan than the one bound at start"
unchanged
run git -C "$LEAD" wave status --remote origin
expect_rc 128
expect_err "records another plan than the one bound at start"
unchanged

test_case "the lead restores the server's state as the hint says; the gate then sees a's foreign change"
restore
run git -C "$LEAD" wave gate
expect_rc 1
expect_out "'b/auth.c' is owned by 'b'"
[ ! -e "$TEST_DIR/PWNED" ] || fail "the forged gate command ran on the lead"

test_case "a forged passing gate for a candidate of the agent's choosing: merge lands nothing"
# a's branch made honest again, b's work, and a real gate that passes.
git -C "$AGENT" rm -q b/auth.c && git -C "$AGENT" commit -q -m "a: b's file back out"
git -C "$AGENT" push -q origin wave/sec/a
run git -C "$LEAD" wave gate
expect_rc 0
fetch_state
candidate=$(jq -r '.waves[0].gate.candidate' "$TEST_DIR/state.json")
expect_eq "$(jq -r '.waves[0].gate.result' "$TEST_DIR/state.json")" "pass"
# The agent's candidate: the gated one plus a file of its choosing.
git -C "$AGENT" checkout -q "$candidate"
mkdir -p "$AGENT/b"
echo "backdoor" >"$AGENT/b/backdoor.c"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "Merge wave 1"
evil=$(git -C "$AGENT" rev-parse HEAD)
git -C "$AGENT" push -q --force origin "$evil:refs/wave/sec/candidate/1"
jq --arg c "$evil" '.waves[0].gate.candidate = $c' "$TEST_DIR/state.json" >"$TEST_DIR/state2.json"
forge_state "$TEST_DIR/plan.toml" "$TEST_DIR/state2.json" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)"
main_before=$(git -C "$LEAD" rev-parse main)
server_main=$(git -C "$SERVER" rev-parse main)
run git -C "$LEAD" wave merge
expect_rc 128
expect_err "refusing to merge wave 1 of run 'sec': the gate's record does not hold"
expect_err "is not the merge of the recorded tips onto"
expect_eq "$(git -C "$LEAD" rev-parse main)" "$main_before" "the lead's main moved"
expect_eq "$(git -C "$SERVER" rev-parse main)" "$server_main" "the server's main moved"
run git -C "$LEAD" cat-file -e "main:b/backdoor.c"
expect_rc 128

test_case "the state deleted and written anew with unrelated history is refused, not kept"
run git -C "$LEAD" wave gate
expect_rc 0
fetch_state
git -C "$AGENT" push -q origin :refs/wave/sec/state
forge_state "$TEST_DIR/plan.toml" "$TEST_DIR/state.json"
snapshot
run git -C "$LEAD" wave gate
expect_rc 128
expect_err "error: the state of run 'sec' on 'origin' has a history unrelated to the one this clone last had from 'origin'"
! grep -qF "record is kept" "$TEST_DIR/err" || fail "the lead says it keeps the remote's record"
unchanged

test_case "an older state (a rewind) is refused"
restore
old=$(git -C "$LEAD" rev-parse refs/wave/sec/state~2)
git -C "$AGENT" push -q --force origin "$old:refs/wave/sec/state"
snapshot
run git -C "$LEAD" wave gate
expect_rc 128
expect_err "error: the state of run 'sec' on 'origin' is older than the one this clone last had from 'origin'"
unchanged
run git -C "$LEAD" wave merge
expect_rc 128
expect_err "is older than the one this clone last had from 'origin'"
unchanged

test_case "a forged merge intent landing a commit of the agent's choosing is never finished"
restore
run git -C "$LEAD" wave gate
expect_rc 0
fetch_state
git -C "$AGENT" checkout -q --detach origin/main
mkdir -p "$AGENT/b"
echo "backdoor" >"$AGENT/b/backdoor.c"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "Merge wave 1"
evil=$(git -C "$AGENT" rev-parse HEAD)
git -C "$AGENT" push -q --force origin "$evil:refs/wave/sec/candidate/1"
jq --arg c "$evil" --arg from "$(git -C "$AGENT" rev-parse origin/main)" '
  .waves[0].status = "merged" | .waves[0].gate.candidate = $c |
  .waves[0].merged = {from: $from, to: $c, at: "2026-01-01T00:00:00Z"} |
  .waves[0].intent = {kind: "merge", started_at: "2026-01-01T00:00:00Z", command: "git wave merge",
                      keep: false, archive: "", agents: []}' "$TEST_DIR/state.json" >"$TEST_DIR/state3.json"
forge_state "$TEST_DIR/plan.toml" "$TEST_DIR/state3.json" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)"
main_before=$(git -C "$LEAD" rev-parse main)
server_main=$(git -C "$SERVER" rev-parse main)
for command in merge gate start; do
  run git -C "$LEAD" wave "$command"
  expect_rc 128
  expect_err "refusing to merge wave 1 of run 'sec': the gate's record does not hold"
  expect_eq "$(git -C "$LEAD" rev-parse main)" "$main_before" "the lead's main moved ($command)"
  expect_eq "$(git -C "$SERVER" rev-parse main)" "$server_main" "the server's main moved ($command)"
done
[ -d "$(wt a)" ] || fail "a's worktree went"
