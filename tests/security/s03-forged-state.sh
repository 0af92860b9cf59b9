#!/usr/bin/env bash
# Attack, issue 17 (server side): an agent with push access forges its run's
# state. It pushes a child of refs/wave/<run>/state whose recorded plan gives
# it every path (or drops `protected`, or changes the gate command), or whose
# state moves the integration branch elsewhere; deletes the state, or
# replaces it with unrelated history; records its own commit as the passed
# candidate of a merged wave and pushes it to main in the same atomic push.
# The server's pre-receive refuses each, whoever pushes, naming what and
# why; with roles, an agent may not move the state at all.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/security/forge_lib.sh"

PLAN='name = "forge"
worktrees = "../lead.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

serve_run "$PLAN"
machine_clone agent
AGENT="$TEST_DIR/agent"
fetch_run "$AGENT"
STATE=$(git -C "$SERVER" rev-parse refs/wave/forge/state)
state_kept() { expect_eq "$(git -C "$SERVER" rev-parse refs/wave/forge/state)" "$STATE" "the server's state moved"; }

test_case "a state whose recorded plan gives agent a every path is refused"
GREEDY_PLAN=$(printf '%s\n' "$PLAN" | sed 's|owns = \["a/\*\*"\]|owns = ["**"]|')
greedy=$(forge "$AGENT" "$STATE" "" "$GREEDY_PLAN")
git -C "$AGENT" show "$greedy:plan.toml" | grep -qF 'owns = ["**"]' || fail "the forged plan is not greedy"
run as_machine agent git -C "$AGENT" push origin "$greedy:refs/wave/forge/state"
expect_rc 1
expect_err "remote: error: refs/wave/forge/state: the plan recorded for run 'forge' changed: it is bound when the run starts"
state_kept

test_case "dropping protected, or changing the gate command, is the same refusal: the plan is bound byte for byte"
unprotected=$(forge "$AGENT" "$STATE" "" "$(printf '%s\n' "$PLAN" | grep -v '^protected')")
run as_machine agent git -C "$AGENT" push origin "$unprotected:refs/wave/forge/state"
expect_rc 1
expect_err "the plan recorded for run 'forge' changed"
regated=$(forge "$AGENT" "$STATE" "" "$(printf '%s\n' "$PLAN" | sed 's|sh gate.sh|true|')")
run as_machine agent git -C "$AGENT" push origin "$regated:refs/wave/forge/state"
expect_rc 1
expect_err "the plan recorded for run 'forge' changed"
state_kept

test_case "a state that names another integration branch is refused"
moved=$(forge "$AGENT" "$STATE" 's["integration"] = "wave-evil"')
run as_machine agent git -C "$AGENT" push origin "$moved:refs/wave/forge/state"
expect_rc 1
expect_err "the integration branch or plan commit of run 'forge' changed: they are bound when the run starts"
state_kept

test_case "the state is never deleted, so never re-created either"
run as_machine agent git -C "$AGENT" push origin ":refs/wave/forge/state"
expect_rc 1
expect_err "remote: error: refs/wave/forge/state: the state of run 'forge' is never deleted"
greedy_root=$(FORGE_ROOT=1 forge "$AGENT" "$STATE" "" "$GREEDY_PLAN")
run as_machine agent git -C "$AGENT" push --atomic origin ":refs/wave/forge/state" "$greedy_root:refs/wave/forge/claims/a"
expect_rc 1
expect_err "the state of run 'forge' is never deleted"
state_kept

test_case "a state with unrelated history (a new root) is refused: it moves only forward"
run as_machine agent git -C "$AGENT" push --force origin "$greedy_root:refs/wave/forge/state"
expect_rc 1
expect_err "the state of run 'forge' may only move forward"
state_kept

test_case "the server still audits a by the plan it bound: b's file is refused"
git -C "$AGENT" checkout -q wave/forge/a
mkdir -p "$AGENT/b" && echo "mine now" >"$AGENT/b/x.txt"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q --no-verify -m "a: takes b"
run as_machine agent git -C "$AGENT" push origin wave/forge/a
expect_rc 1
expect_err "'b/x.txt' is owned by 'b'"

test_case "a forged passed candidate, landed with its state in the same atomic push, is refused"
# The lead gates the wave and publishes the record: a passed candidate.
work a a/x.txt "a's work"
work b b/y.txt "b's work"
run git -C "$LEAD" wave gate
expect_rc 0
run push_run
expect_rc 0
fetch_run "$AGENT"
STATE=$(git -C "$SERVER" rev-parse refs/wave/forge/state)
main=$(git -C "$SERVER" rev-parse main)
# The agent's own commit on main, taking b's file: recorded as the passed
# candidate of wave 1, merged from main to it.
git -C "$AGENT" fetch -q origin main
evil=$(git -C "$AGENT" commit-tree "$(git -C "$AGENT" rev-parse HEAD^{tree})" -p "$main" -m "evil")
landed=$(forge "$AGENT" "$STATE" "
w = s['waves'][0]
w['status'] = 'merged'
w['gate']['candidate'] = '$evil'
w['merged'] = {'from': '$main', 'to': '$evil', 'at': w['gate']['finished_at'], 'archive': ''}")
run as_machine agent git -C "$AGENT" push --atomic origin "$landed:refs/wave/forge/state" "$evil:refs/heads/main"
expect_rc 1
expect_err "remote: error: refs/heads/main: 'main' moves only to the candidate that passed the gate of a wave, recorded on this server before, whose merge the state of run 'forge' records in the same push, and ${evil:0:7} is none"
expect_eq "$(git -C "$SERVER" rev-parse main)" "$main" "main moved"
state_kept

test_case "with roles, an agent may not move the state at all, not even to forge the gate record first"
git -C "$SERVER" config --add wave.receive.lead lead
git -C "$SERVER" config --add wave.receive.agent "alice forge/a"
gated=$(forge "$AGENT" "$STATE" "s['waves'][0]['gate']['candidate'] = '$evil'")
run as_machine agent env WAVE_PUSHER=alice git -C "$AGENT" push origin "$gated:refs/wave/forge/state"
expect_rc 1
expect_err "remote: error: refs/wave/forge/state: pusher 'alice' is an agent: it may not change this ref"
state_kept
