#!/usr/bin/env bash
# Unusual repositories (issue 10, item 9): a shallow clone, a SHA-256
# repository, a linked worktree of a bare repository, a worktree path whose
# parent is a file. Each works, or is refused plainly before anything is
# recorded.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[[agent]]
name = "a"
task = "Write a"
owns = ["a/**"]'

test_case "a shallow clone: start, status and gate say 'git fetch --unshallow', nothing recorded"
make_repo origin "$PLAN"
commit_file "$REPO" one.txt 1
commit_file "$REPO" two.txt 2
git clone -q --depth 1 "file://$REPO" "$TEST_DIR/shallow"
REPO=$TEST_DIR/shallow
for cmd in start status gate; do
  run git -C "$REPO" wave $cmd
  expect_rc 128
  expect_err "error: this repository is a shallow clone"
  expect_err "hint: fetch the whole history with 'git fetch --unshallow'"
done
[ -z "$(git -C "$REPO" for-each-ref refs/wave/ 'refs/heads/wave/*')" ] || fail "a shallow start recorded something"
git -C "$REPO" fetch -q --unshallow
run git -C "$REPO" wave start
expect_rc 0

test_case "a SHA-256 repository: every command says so plainly; plan --plan still works"
if git init -q --object-format=sha256 "$TEST_DIR/sha256" 2>/dev/null; then
  printf '%s\n' "$PLAN" >"$TEST_DIR/sha256/wave.toml"
  for cmd in start status plan; do
    run git -C "$TEST_DIR/sha256" wave $cmd
    expect_rc 128
    expect_err "error: this repository uses SHA-256 object names (extensions.objectFormat)"
    expect_err "hint:"
  done
  run git -C "$TEST_DIR/sha256" wave plan --plan wave.toml
  expect_rc 0
  expect_out "run 'demo'"
else
  echo "# skipped: this git cannot make SHA-256 repositories"
fi
mkdir -p "$TEST_DIR/outside"
printf '%s\n' "$PLAN" >"$TEST_DIR/outside/plan.toml"
(cd "$TEST_DIR/outside" && GIT_CEILING_DIRECTORIES=$TEST_DIR git-wave plan --plan plan.toml) >"$TEST_DIR/out" 2>&1 ||
  fail "plan --plan outside a repository: $(cat "$TEST_DIR/out")"

test_case "a linked worktree of a bare repository: start, gate and merge work"
make_repo forbare "$PLAN"
git clone -q --bare "$REPO" "$TEST_DIR/bare.git"
git -C "$TEST_DIR/bare.git" worktree add -q "$TEST_DIR/linked" main
REPO=$TEST_DIR/linked
run git -C "$REPO" wave start
expect_rc 0
work a a/x.txt "from a"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(cat "$REPO/a/x.txt")" "from a" "the linked worktree follows the merge"

test_case "a worktree path under a file is refused before anything is recorded"
make_repo fileparent "$PLAN"
echo "a file" >"$TEST_DIR/blocker"
run git -C "$REPO" wave start --worktrees "$TEST_DIR/blocker/{agent}"
expect_rc 128
expect_err "cannot start wave 1 of run 'demo': worktree path '$TEST_DIR/blocker/a' cannot be made: '$TEST_DIR/blocker' is a file, not a folder"
expect_err "hint: nothing was changed"
[ -z "$(git -C "$REPO" for-each-ref refs/wave/ 'refs/heads/wave/*')" ] || fail "the refused start recorded something"
run git -C "$REPO" wave start
expect_rc 0
