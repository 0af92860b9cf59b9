#!/usr/bin/env bash
# Attack: a forged merge intent whose `to` is the integration branch's own
# tip. docs/security.md: a merge intent read from a state is finished "only
# when the integration branch here already holds it, or it lands the
# candidate of a passed gate". The tip itself is always held: flow::recover
# -> merge_wave -> Lander::resume takes it, move_branch has nothing to do,
# and clean_up treats every branch of the wave as landed: with the intent's
# `archive` forged empty, the agents' branches are deleted unarchived and
# their (clean) worktrees removed, though nothing of them landed. The
# intent's `command` is printed raw in the note "finished the merge of wave
# 1 that a killed '<command>' left" (cli print_notes does not escape), so
# the forger also writes to the lead's terminal. On a server WITHOUT the
# hook (or with it and no roles), remote agent 'a' pushes such a state; the
# lead's next `git wave gate` destroys agent b's unpublished commits here.
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
  machine_clone agent
  AGENT="$TEST_DIR/agent"
  fetch_run "$AGENT"
  main=$(git -C "$AGENT" rev-parse origin/main)
  forged=$(forge "$AGENT" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)" "
w = s['waves'][0]
w['status'] = 'merged'
w['merged'] = {'from': '$main', 'to': '$main', 'at': '2026-01-01T00:00:00Z'}
w['intent'] = {'kind': 'merge', 'started_at': '2026-01-01T00:00:00Z',
               'command': 'git wave merge\x1b]0;pwned\x07', 'keep': False, 'archive': '', 'agents': []}")
  run git -C "$AGENT" push origin "$forged:refs/wave/sec/state"
  expect_rc 0
  # Meanwhile b works on the lead's machine, committed, not published yet.
  work b b/work.txt "b's committed work"
  B_TIP=$(git -C "$LEAD" rev-parse wave/sec/b)
  run git -C "$LEAD" wave gate
}

check() {
  expect_eq "$(git -C "$LEAD" rev-parse -q --verify wave/sec/b)" "$B_TIP" \
    "b's branch, with work that never landed, was deleted (gate rc $RC: $(cat "$TEST_DIR/out" "$TEST_DIR/err"))"
  ! grep -q "$(printf '\033')" "$TEST_DIR/out" "$TEST_DIR/err" || fail "the forged intent's command reached the terminal raw"
}

test_case "a server without the hook: a forged merge intent of the tip itself deletes no unlanded work"
play plain
check

test_case "a server with the hook but no roles: the same"
play hook
check
