#!/usr/bin/env bash
# The aider preset as far as it goes without aider, which is not on npm
# (nor in Debian): its command line (no commits of its own, git's hooks
# not skipped should it commit, no questions, the brief as its message),
# no settings files, its history files beside the brief and its caches
# excluded, what run --dry-run prints; then a stand-in 'aider' on PATH
# that takes the same command line the way aider does (writes its history
# files where it is told, its tag cache in the worktree root, the agent's
# work) shows run through to the merge with nothing of aider's landed.
. "$(dirname "$0")/lib.sh"

REPO="$TEST_DIR/repo"
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[run]
agent = "aider"
retries = 0
[[agent]]
name = "a"
owns = ["a/**"]
TOML
git -C "$REPO" add wave.toml
git -C "$REPO" commit -q -m "plan"

test_case "run --dry-run prints aider's command line, no settings files, and what it excludes"
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out 'would launch a (wave 1): aider --yes-always --no-auto-commits --no-dirty-commits --git-commit-verify --no-gitignore --no-check-update --no-pretty --stream --chat-history-file "$GIT_WAVE_BRIEF.aider.chat.md" --input-history-file "$GIT_WAVE_BRIEF.aider.input" --message-file "$GIT_WAVE_BRIEF"'
expect_out "preset aider"
expect_out "excludes /.aider* (the repository's info/exclude)"
expect_no_out "writes "
expect_no_out "--no-verify"
expect_no_out "--no-git-commit-verify"

# A stand-in for aider: its options as aider reads them.
mkdir -p "$TEST_DIR/bin"
cat >"$TEST_DIR/bin/aider" <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$AIDER_RECORD/args"
pwd >"$AIDER_RECORD/cwd"
while [ $# -gt 0 ]; do
  case $1 in
  --chat-history-file) echo "# aider chat" >"$2"; shift ;;
  --input-history-file) echo "+ input" >"$2"; shift ;;
  --message-file) cp "$2" "$AIDER_RECORD/message"; shift ;;
  esac
  shift
done
mkdir -p .aider.tags.cache.v4 a
echo cache >.aider.tags.cache.v4/cache.db && pwd >"$AIDER_RECORD/cache"
echo "work of a" >a/work.txt
echo "Applied edit to a/work.txt"
SH
chmod +x "$TEST_DIR/bin/aider"
export PATH="$TEST_DIR/bin:$PATH" AIDER_RECORD="$TEST_DIR"

test_case "start installs nothing for aider; run launches it, commits its work after the ownership check, merges"
run git -C "$REPO" wave start
expect_rc 0
expect_eq "$(git -C "$TEST_DIR/wt/a" status --porcelain)" "" "a's worktree after start"
run git -C "$REPO" wave run
expect_rc 0
expect_out "a committed: 1 file"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"
expect_eq "$(cat "$TEST_DIR/cwd")" "$TEST_DIR/wt/a" "aider's working directory"
grep -qxF -- "--git-commit-verify" "$TEST_DIR/args" || fail "aider was not told --git-commit-verify"
grep -qxF -- "--no-auto-commits" "$TEST_DIR/args" || fail "aider was not told --no-auto-commits"
run git -C "$REPO" wave logs a
expect_out "Applied edit to a/work.txt"

test_case "aider's history files are beside the brief, outside the worktree; its cache landed nowhere"
brief=$(sed -n '/^--message-file$/{n;p}' "$TEST_DIR/args")
case $brief in "$TEST_DIR/wt/"*) fail "the brief is in a worktree: $brief" ;; esac
[ -s "$brief.aider.chat.md" ] || fail "no chat history beside the brief $brief"
[ -s "$brief.aider.input" ] || fail "no input history beside the brief $brief"
cmp -s "$brief" "$TEST_DIR/message" || fail "aider's message is not the brief"
# Its cache was in the worktree root as it ended, and its attempt was not
# failed as foreign for it: excluded.
expect_eq "$(cat "$TEST_DIR/cache")" "$TEST_DIR/wt/a" "where its cache was written"
git -C "$REPO" ls-tree -r --name-only main >"$TEST_DIR/tree"
grep -q "aider" "$TEST_DIR/tree" && fail "aider's files landed: $(cat "$TEST_DIR/tree")"
true
