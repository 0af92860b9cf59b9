#!/usr/bin/env bash
# Attack: a forged state records an agent's worktree as any folder of the
# lead's machine. flow::verify_state does not look at the agents' records
# (run/state_json.cpp takes `worktree` as free text), and the merge's
# clean-up (flow/merge.cpp clean_up -> flow::remove_agent_worktree) treats a
# folder at the recorded path that is neither a registered worktree nor
# holds a .git as "what a killed removal left" and calls
# gate::prune_worktree, which is std::filesystem::remove_all. On a server
# WITHOUT the hook (or with the hook and no roles: the state moves forward
# and keeps its plan), agent 'a' pushes a child of the run's state whose
# record of 'a' names the lead's $TEST_DIR/precious (think: $HOME) as its
# worktree. The lead's ordinary `git wave gate` then `git wave merge`
# delete that folder.
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

# play SERVER_KIND: the run on a fresh server, a's honest work, the forged
# state; then the lead gates and merges.
play() {
  rm -rf "$TEST_DIR/server.git" "$TEST_DIR/lead" "$TEST_DIR/lead.wt" "$TEST_DIR/agent" "$TEST_DIR/precious"
  if [ "$1" = hook ]; then make_server; else git init -q --bare "$SERVER"; fi
  make_lead "$PLAN"
  start_wave
  mkdir -p "$TEST_DIR/precious/notes"
  echo "the lead's own files" >"$TEST_DIR/precious/notes/todo.txt"
  machine_clone agent
  AGENT="$TEST_DIR/agent"
  git -C "$AGENT" config user.name agent
  git -C "$AGENT" config user.email agent@example.com
  git -C "$AGENT" checkout -q wave/sec/a
  mkdir -p "$AGENT/a"
  echo "a's work" >"$AGENT/a/work.txt"
  git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "a: work"
  fetch_run "$AGENT"
  forged=$(forge "$AGENT" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)" "
for a in s['waves'][0]['agents']:
    if a['name'] == 'a':
        a['worktree'] = '$TEST_DIR/precious'")
  run git -C "$AGENT" push --atomic origin wave/sec/a "$forged:refs/wave/sec/state"
  expect_rc 0
  run git -C "$LEAD" wave gate
  gate_rc=$RC
  run git -C "$LEAD" wave merge
  merge_rc=$RC
}

test_case "a server without the hook: a forged worktree path is not deleted by the lead's merge"
play plain
[ -f "$TEST_DIR/precious/notes/todo.txt" ] ||
  fail "the lead's merge (rc $merge_rc, gate rc $gate_rc) deleted $TEST_DIR/precious, named by a forged state"

test_case "a server with the hook but no roles: the same"
play hook
[ -f "$TEST_DIR/precious/notes/todo.txt" ] ||
  fail "the lead's merge (rc $merge_rc, gate rc $gate_rc) deleted $TEST_DIR/precious, named by a forged state"
