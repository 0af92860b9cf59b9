#!/usr/bin/env bash
# git wave hook pre-commit: an agent may commit only what it owns, by the plan
# recorded for the run; a rejected commit leaves the index as it was.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo
ln -s a/one.c src/b/link-to-a
chmod +x src/c/three.c
mkdir -p .github
echo "ci" >.github/ci.yml
git add -A
git commit -q -m "more files"
git wave start >/dev/null
alpha=$TEST_DIR/w/repo.wave/demo/alpha
beta=$TEST_DIR/w/repo.wave/demo/beta
cd "$alpha"

# reject_keeps_index WHAT: the last commit attempt was rejected by the hook,
# naming WHAT, and the staged set is exactly what it was before ($before).
reject_keeps_index() {
  expect_rc 1
  expect_err "error: agent 'alpha' of run 'demo' may not commit"
  expect_err "$1"
  expect_eq "$(staged "$alpha")" "$before" "staged set after the rejected commit"
  expect_eq "$(git rev-parse HEAD)" "$head" "no commit was made"
}

test_case "an agent commits a file it owns"
echo "count" >>src/a/one.c
git add src/a/one.c
run git commit -m "count"
expect_rc 0
echo "new" >src/a/new.c
git add src/a/new.c
run git commit -m "add a file it owns"
expect_rc 0

test_case "a commit of a file another agent owns is rejected, naming the owner; the index is unchanged"
echo "faster" >>src/b/two.c
echo "more" >>src/a/one.c
git add src/b/two.c src/a/one.c
before=$(staged "$alpha")
head=$(git rev-parse HEAD)
run git commit -m "touch beta's file"
reject_keeps_index "M src/b/two.c"
expect_err "owned by beta"
expect_err "hint: 'alpha' owns src/a/**"
expect_err "nothing was committed, the index is as it was"
grep -qF "src/a/one.c" "$TEST_DIR/err" && fail "the owned file is listed as a violation"
git diff --cached --quiet -- src/b/two.c && fail "the foreign change is no longer staged"
git restore --staged src/b/two.c
git checkout -q -- src/b/two.c
git commit -q -m "more counting"

test_case "a file nobody owns is rejected"
echo "c" >>src/c/three.c
git add src/c/three.c
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "touch an unowned file"
reject_keeps_index "src/c/three.c"
expect_err "owned by no agent"
git restore --staged src/c/three.c
git checkout -q -- src/c/three.c

test_case "a rename from a foreign file into an owned path is rejected (a delete plus an add)"
git mv src/b/two.c src/a/two.c
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "steal beta's file"
reject_keeps_index "D src/b/two.c"
grep -qF "src/a/two.c" "$TEST_DIR/err" && fail "the owned new path is listed"
git reset -q --hard

test_case "deleting a foreign file is rejected"
git rm -q docs/b.md
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "delete beta's doc"
reject_keeps_index "D docs/b.md"
git reset -q --hard

test_case "a mode change of a file it does not own is rejected"
git update-index --chmod=-x src/c/three.c
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "chmod"
reject_keeps_index "M src/c/three.c"
git reset -q --hard

test_case "a symlink is a path like any other: replacing one outside its patterns is rejected"
rm src/b/link-to-a
ln -s ../c/three.c src/b/link-to-a
git add src/b/link-to-a
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "retarget a link"
reject_keeps_index "src/b/link-to-a"
git reset -q --hard

test_case "a symlink it adds inside its patterns is fine"
ln -s one.c src/a/link
git add src/a/link
run git commit -m "a link of its own"
expect_rc 0

test_case "protected paths are rejected"
echo "on: push" >>.github/ci.yml
git add .github/ci.yml
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "ci"
reject_keeps_index ".github/ci.yml"
expect_err "protected: nobody may change it"
git reset -q --hard

test_case "editing the plan on the agent branch grants nothing"
# The agent rewrites the plan to own beta's files and slips it in with --no-verify ...
sed -i 's|owns = \["src/a/\*\*"\]|owns = ["src/a/**", "src/b/**"]|' wave.toml
grep -qF '"src/b/**"]' wave.toml || fail "the test did not edit the plan"
git commit -q --no-verify -am "grant myself src/b"
# ... then commits a file of beta's: still rejected, by the recorded plan.
echo "mine now?" >>src/b/two.c
git add src/b/two.c
before=$(staged "$alpha"); head=$(git rev-parse HEAD)
run git commit -m "beta's file"
reject_keeps_index "src/b/two.c"
expect_err "owned by beta"
git reset -q --hard HEAD~1

test_case "commit -a and commit <path> are checked against what they commit"
echo "x" >>src/b/two.c
head=$(git rev-parse HEAD)
run git commit -am "all"
expect_rc 1
expect_err "src/b/two.c"
expect_eq "$(git rev-parse HEAD)" "$head"
run git commit -m "only this path" -- src/b/two.c
expect_rc 1
expect_err "src/b/two.c"
expect_eq "$(git rev-parse HEAD)" "$head"
echo "y" >>src/a/one.c
run git commit -m "only the owned path" -- src/a/one.c
expect_rc 0
git checkout -q -- src/b/two.c

test_case "the hook run by hand checks what is staged"
echo "z" >>src/b/two.c
git add src/b/two.c
run git wave hook pre-commit
expect_rc 1
expect_err "M src/b/two.c"
git reset -q --hard

test_case "beta is held to its own patterns in its own worktree"
cd "$beta"
echo "b" >>docs/b.md
echo "b" >>src/b/two.c
git add -A
run git commit -m "beta's work"
expect_rc 0
echo "a" >>src/a/one.c
git add -A
run git commit -m "beta strays"
expect_rc 1
expect_err "agent 'beta' of run 'demo' may not commit this path"
expect_err "owned by alpha, gamma"
git reset -q --hard

test_case "commits on other branches pass untouched"
cd "$TEST_DIR/w/repo"
echo "lead" >>src/b/two.c
echo "lead" >>wave.toml
git commit -q -am "the lead may commit anything on main"
git switch -q -c feature
echo "f" >>src/c/three.c
run git commit -am "feature"
expect_rc 0

test_case "a branch named like an agent's of an unknown run passes"
git switch -q -c wave/other/alpha
echo "o" >>src/c/three.c
run git commit -am "not a run"
expect_rc 0

test_case "a branch of the run naming an agent the plan does not have is rejected"
git switch -q -c wave/demo/delta main
echo "d" >>src/c/three.c
git add -A
run git commit -m "delta"
expect_rc 1
expect_err "branch 'wave/demo/delta' names agent 'delta', which run 'demo' does not have"

test_case "an unknown hook is a usage error"
run git wave hook post-merge
expect_rc 129
expect_err "unknown hook 'post-merge'"

test_case "the hook outside a repository fails like every command, saying how to make one"
mkdir -p "$TEST_DIR/nowhere"
run env GIT_CEILING_DIRECTORIES="$TEST_DIR" sh -c "cd '$TEST_DIR/nowhere' && git-wave hook pre-commit"
expect_rc 128
expect_err "not a git repository"
expect_err "'git init' makes one"
