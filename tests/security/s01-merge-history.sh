#!/usr/bin/env bash
# Attack, issue 17 item 1: a merge commit walks around the ownership audit.
# In its worktree agent 'a' makes, with `git commit-tree` (no hook runs), a
# merge whose second parent is the repository's first commit and whose tree
# takes agent 'b''s file back to that commit's version: a security fix
# reverted. Each path differs from one parent only, so an audit that counted
# a merge's paths by "differs from every parent" passed it. Now the gate,
# `git wave audit`, merge and the server's pre-receive all refuse it,
# naming the path and its owner; so do a tip moved back behind its base and
# a merge of the integration branch.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "sec"
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

# evil_merge DIR: in DIR (a's worktree or clone, on a's branch) commits a's
# own work, then the merge that reverts b/auth.c to the first commit's.
evil_merge() {
  local dir=$1 root own tree
  root=$(git -C "$dir" rev-list --max-parents=0 HEAD)
  mkdir -p "$dir/a"
  echo "a's work" >"$dir/a/work.txt"
  git -C "$dir" add -A && git -C "$dir" commit -q -m "a: work"
  own=$(git -C "$dir" rev-parse HEAD)
  git -C "$dir" show "$root:b/auth.c" >"$dir/b/auth.c"
  git -C "$dir" add -A
  tree=$(git -C "$dir" write-tree)
  EVIL=$(git -C "$dir" commit-tree "$tree" -p "$own" -p "$root" -m "Merge old history")
  git -C "$dir" update-ref HEAD "$EVIL"
  git -C "$dir" reset -q --hard
}

# setup_repo NAME: $TEST_DIR/NAME/lead (its worktrees beside it), a
# repository whose first commit has an insecure b/auth.c, fixed since
setup_repo() {
  REPO="$TEST_DIR/$1/lead"
  git init -q "$REPO"
  mkdir -p "$REPO/b"
  echo "insecure" >"$REPO/b/auth.c"
  git -C "$REPO" add -A && git -C "$REPO" commit -q -m "first"
  echo "fixed" >"$REPO/b/auth.c"
  printf '%s\n' "$PLAN" >"$REPO/wave.toml"
  echo "exit 0" >"$REPO/gate.sh"
  git -C "$REPO" add -A && git -C "$REPO" commit -q -m "security fix, plan"
}

test_case "locally: the gate refuses the merge that reverts b's file, and merge lands nothing"
setup_repo local
start_wave
evil_merge "$(wt a)"
main_before=$(git -C "$REPO" rev-parse main)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "fail    audit a"
expect_out "'b/auth.c' is owned by 'b' (commit $(git -C "$REPO" rev-parse --short=7 "$EVIL"))"
run git -C "$REPO" wave merge
expect_rc 1
expect_eq "$(git -C "$REPO" rev-parse main)" "$main_before" "main moved"
expect_eq "$(git -C "$REPO" show main:b/auth.c)" "fixed"

test_case "git wave audit refuses it too, where 'ok 1 path changed' was said"
run git -C "$REPO" wave audit wave/sec/a
expect_rc 1
expect_out "'b/auth.c' is owned by 'b'"
expect_no_out "all its own"

test_case "a tip moved back behind its base is refused by the net change it makes"
setup_repo rewind
start_wave
git -C "$(wt a)" reset -q --hard "$(git -C "$REPO" rev-list --max-parents=0 main)"
run git -C "$REPO" wave gate
expect_rc 1
expect_out "'b/auth.c' is owned by 'b'"
expect_out "'wave.toml' is protected"

test_case "a merge of the integration branch into an agent's branch is the agent's change"
setup_repo mergemain
start_wave
echo "lead" >"$REPO/lead.txt"
git -C "$REPO" add lead.txt && git -C "$REPO" commit -q -m "lead: a file"
work a a/x "mine"
git -C "$(wt a)" merge -q --no-edit main
run git -C "$REPO" wave gate
expect_rc 1
expect_out "'lead.txt' is owned by no agent"

test_case "the server refuses the same merge pushed by the agent, naming the path"
make_server
setup_repo lead
LEAD=$REPO
git -C "$LEAD" remote add origin "file://$SERVER"
git -C "$LEAD" push -q origin main
start_wave
push_run -q
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" checkout -q wave/sec/a
evil_merge "$AGENT"
run as_machine agent git -C "$AGENT" push origin wave/sec/a
expect_rc 1
expect_err "remote: error: refs/heads/wave/sec/a: agent 'a' of run 'sec' may not change this path"
expect_err "'b/auth.c' is owned by 'b'"
expect_eq "$(git -C "$SERVER" rev-parse wave/sec/a)" "$(git -C "$LEAD" rev-parse wave/sec/a)" "the server took it"
