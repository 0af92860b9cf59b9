#!/usr/bin/env bash
# Sparse checkout in the main worktree (issue 10, item 1): agent worktrees
# are full, so files the main worktree leaves out are never "deleted": status
# does not count them, the lead commit does not record their deletion, the
# gate's candidate has them, and merge keeps them.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
protected = ["wave.toml"]
[gate]
commands = ["test -f src/a/x.txt && test -f src/b/y.txt && test -f top.txt"]

[[agent]]
name = "a"
task = "Idle"
owns = ["src/a/**"]

[[agent]]
name = "b"
task = "Work on b"
owns = ["src/b/**"]'

test_case "a sparse main worktree: full agent worktrees, nothing deleted, merge keeps every file"
make_repo sparse "$PLAN"
commit_file "$REPO" src/a/x.txt "a's file"
commit_file "$REPO" src/b/y.txt "b's file"
commit_file "$REPO" top.txt "top"
git -C "$REPO" sparse-checkout set src/b
[ ! -e "$REPO/src/a/x.txt" ] || fail "sparse checkout did not leave src/a out"
start_wave
a=$(wt a)
[ -f "$a/src/a/x.txt" ] || fail "agent a's worktree lacks its own file"
[ -f "$(wt b)/src/a/x.txt" ] || fail "agent b's worktree is sparse"
expect_eq "$(git -C "$a" status --porcelain)" "" "agent a's worktree is clean"
run git -C "$REPO" wave status --json
expect_rc 0
grep -q '"uncommitted": \[\]' "$TEST_DIR/out" || fail "status counts files as uncommitted: $(cat "$TEST_DIR/out")"
leave b src/b/y.txt "b changed it"
run git -C "$REPO" wave gate
expect_rc 0
expect_eq "$(git -C "$REPO" diff --name-status main wave/demo/b)" "M	src/b/y.txt" "b's lead commit"
expect_eq "$(git -C "$REPO" rev-parse wave/demo/a)" "$(git -C "$REPO" rev-parse main)" "a has no commit"
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" ls-tree -r --name-only main | tr '\n' ' ')" "README.md gate.sh src/a/x.txt src/b/y.txt top.txt wave.toml "
expect_eq "$(cat "$REPO/src/b/y.txt")" "b changed it" "the main worktree follows"
[ ! -e "$REPO/src/a/x.txt" ] || fail "the main worktree is no longer sparse"
expect_eq "$(git -C "$REPO" status --porcelain)" "" "the main worktree is clean"
