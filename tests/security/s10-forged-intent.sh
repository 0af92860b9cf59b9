#!/usr/bin/env bash
# Attack: a forged state records an abort intent ("a killed 'git wave
# abort' left this") for a wave the lead is running. flow::verify_state
# does not look at intents; docs/security.md only promises that a *merge*
# intent is checked. flow::recover (cli/wave_context.cpp lock_run, after
# every sync) finishes it with flow::abort_wave, which trusts the intent's
# agents: with an empty `to` nothing is archived and unchanged_since says
# "unchanged", so the agent's worktree on the lead's machine is removed
# with --force --force (its uncommitted work gone) and its branch deleted
# at the recorded `from`. On a server WITHOUT the hook (or with the hook and
# no roles), remote agent 'a' pushes such a state naming agent 'b', which
# works in a worktree on the lead's machine; the lead's next `git wave gate`
# destroys b's uncommitted work and deletes b's branch here.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/security/forge_lib.sh"

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

play() {
  rm -rf "$TEST_DIR/server.git" "$TEST_DIR/lead" "$TEST_DIR/lead.wt" "$TEST_DIR/agent"
  if [ "$1" = hook ]; then make_server; else git init -q --bare "$SERVER"; fi
  make_lead "$PLAN"
  start_wave
  # b works on the lead's machine; the lead's gate publishes its commit.
  work b b/work.txt "b's committed work"
  run git -C "$LEAD" wave gate
  expect_rc 0
  B_TIP=$(git -C "$LEAD" rev-parse wave/sec/b)
  leave b b/draft.txt "b's uncommitted work"
  machine_clone agent
  AGENT="$TEST_DIR/agent"
  fetch_run "$AGENT"
  forged=$(forge "$AGENT" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)" "
s['waves'][0]['intent'] = {'kind': 'abort', 'started_at': '2026-01-01T00:00:00Z', 'command': 'git wave abort',
                           'keep': False, 'archive': 'refs/wave/sec/archive/1-9',
                           'agents': [{'name': 'b', 'from': '$B_TIP', 'to': '', 'index': ''}]}")
  run git -C "$AGENT" push origin "$forged:refs/wave/sec/state"
  expect_rc 0
  B_WT=$(wt b)
  run git -C "$LEAD" wave gate
}

test_case "a server without the hook: a forged abort intent destroys nothing of the lead's"
play plain
[ -f "$B_WT/b/draft.txt" ] || fail "b's uncommitted work on the lead's machine was removed (gate rc $RC: $(cat "$TEST_DIR/out" "$TEST_DIR/err"))"
expect_eq "$(git -C "$LEAD" rev-parse -q --verify wave/sec/b)" "$B_TIP" "b's branch was deleted here"

test_case "a server with the hook but no roles: the same"
play hook
[ -f "$B_WT/b/draft.txt" ] || fail "b's uncommitted work on the lead's machine was removed (gate rc $RC: $(cat "$TEST_DIR/out" "$TEST_DIR/err"))"
expect_eq "$(git -C "$LEAD" rev-parse -q --verify wave/sec/b)" "$B_TIP" "b's branch was deleted here"
