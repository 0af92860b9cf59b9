#!/usr/bin/env bash
# git wave start killed half way: the next start completes what is missing.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo
# beta's setup kills git wave start itself (its parent) the first time: the
# wave is recorded, alpha may or may not be done, beta is half set up.
sed -i '/^name = "beta"/a setup = ["if [ ! -e \\"$HOME/killed\\" ]; then touch \\"$HOME/killed\\"; kill -KILL $PPID; sleep 5; fi", "echo done > beta-setup.txt"]' wave.toml
git commit -q -am "beta's setup kills the first start"
wt=$TEST_DIR/w/repo.wave/demo

test_case "a start killed during setup leaves the wave recorded with beta pending"
run git wave start -j 1
[ "$RC" -eq 137 ] || fail "expected the start to be killed (137), got $RC: $(cat "$TEST_DIR/err")"
[ -e "$HOME/killed" ] || fail "beta's setup did not run"
state_json . >"$TEST_DIR/state"
grep -qF '"label": "1"' "$TEST_DIR/state" || fail "wave 1 not recorded before the work"
grep -A6 '"name": "beta"' "$TEST_DIR/state" | grep -qF '"setup": "pending"' || fail "beta should be pending"
[ -e "$wt/beta/beta-setup.txt" ] && fail "beta's setup should not have finished"
true

test_case "a start killed before a worktree was made: the rerun makes it"
# Simulate a kill between the state record and alpha's worktree: remove it.
git worktree remove --force "$wt/alpha"
git branch -q -D wave/demo/alpha
run git wave start
expect_rc 0
expect_out "completing wave 1 of run 'demo', started before"
expect_out "ok     alpha"
expect_out "ok     beta"
expect_eq "$(cat "$wt/beta/beta-setup.txt")" "done"
expect_eq "$(git rev-parse wave/demo/alpha)" "$(git rev-parse main)"
[ -f "$wt/alpha/src/a/one.c" ] || fail "alpha's worktree was not made"
state_json . | grep -c '"setup": "ok"' >"$TEST_DIR/count"
expect_eq "$(cat "$TEST_DIR/count")" "2" "both agents recorded as set up"

test_case "after completing, another start has nothing to do"
run git wave start
expect_rc 0
expect_out "nothing to do"

test_case "a worktree registered but never checked out is checked out by the rerun"
cd "$TEST_DIR"
mkdir w2
two_wave_repo w2/repo
cd w2/repo
git wave start >/dev/null
wt2=$TEST_DIR/w2/repo.wave/demo
# What a kill between `git worktree add --no-checkout` and the checkout leaves.
git worktree remove --force "$wt2/beta"
git worktree add -q --no-checkout "$wt2/beta" wave/demo/beta
set_wave_status . 1 started
sed -i 's/"setup": "ok"/"setup": "pending"/' "$TEST_DIR/state.json"
write_state . "$TEST_DIR/state.json" "killed"
[ -f "$wt2/beta/src/b/two.c" ] && fail "beta should not be checked out yet"
run git wave start
expect_rc 0
expect_out "ok     beta"
[ -f "$wt2/beta/src/b/two.c" ] || fail "beta was not checked out"
expect_eq "$(git -C "$wt2/beta" status --porcelain)" "" "beta's worktree is clean"

test_case "a worktree folder deleted by hand is made again from its branch, keeping its commits"
echo "work" >>"$wt2/alpha/src/a/one.c"
git -C "$wt2/alpha" commit -q -am "alpha's work"
tip=$(git rev-parse wave/demo/alpha)
rm -rf "$wt2/alpha"
run git wave start
expect_rc 0
expect_out "ok     alpha"
expect_eq "$(git rev-parse wave/demo/alpha)" "$tip"
grep -qF work "$wt2/alpha/src/a/one.c" || fail "alpha's commit is not in the new worktree"

test_case "a git worktree add killed half way (locked 'initializing') is discarded and made again"
cd "$TEST_DIR"
mkdir w3
two_wave_repo w3/repo
cd w3/repo
git wave start >/dev/null
wt3=$TEST_DIR/w3/repo.wave/demo
# What a kill inside `git worktree add --no-checkout` leaves: the admin folder
# still locked "initializing", HEAD not set yet, the folder with only .git.
git worktree remove --force "$wt3/beta"
git worktree add -q --no-checkout "$wt3/beta" wave/demo/beta
admin=$(git rev-parse --git-common-dir)/worktrees/beta
echo initializing >"$admin/locked"
echo 0000000000000000000000000000000000000000 >"$admin/HEAD"
run git wave start
expect_rc 0
expect_out "ok     beta"
[ -f "$wt3/beta/src/b/two.c" ] || fail "beta was not made again"
expect_eq "$(git -C "$wt3/beta" rev-parse --abbrev-ref HEAD)" "wave/demo/beta"
git worktree list --porcelain | grep -q "locked" && fail "a locked worktree is left: $(git worktree list --porcelain)"
true

test_case "a half-made worktree whose admin folder is gone is made again too"
git worktree remove --force "$wt3/beta"
git worktree add -q --no-checkout "$wt3/beta" wave/demo/beta
rm -rf "$(git rev-parse --git-common-dir)/worktrees/beta"
run git wave start
expect_rc 0
expect_out "ok     beta"
[ -f "$wt3/beta/src/b/two.c" ] || fail "beta was not made again"

test_case "a locked worktree that holds files is left alone and named"
git worktree remove --force "$wt3/beta"
git worktree add -q --no-checkout "$wt3/beta" wave/demo/beta
echo initializing >"$(git rev-parse --git-common-dir)/worktrees/beta/locked"
echo "precious" >"$wt3/beta/notes.txt"
run git wave start
expect_rc 128
expect_err "is locked by a 'git worktree add' that never finished, and holds files"
expect_eq "$(cat "$wt3/beta/notes.txt")" "precious"
