#!/usr/bin/env bash
# git wave start: branches and worktrees per agent, run state in git, waves in order.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w1
two_wave_repo w1/repo
cd w1/repo

test_case "start creates a branch and a worktree per agent of wave 1"
run git wave start
expect_rc 0
expect_out "starting wave 1 of run 'demo' from main"
expect_out "alpha"
expect_out "beta"
base=$(git rev-parse main)
expect_eq "$(git rev-parse wave/demo/alpha)" "$base" "alpha's branch at main's tip"
expect_eq "$(git rev-parse wave/demo/beta)" "$base" "beta's branch at main's tip"
git rev-parse -q --verify wave/demo/gamma >/dev/null && fail "gamma is wave 2 and must not exist yet"
git worktree list >"$TEST_DIR/wt"
grep -qF "$TEST_DIR/w1/repo.wave/demo/alpha" "$TEST_DIR/wt" || fail "alpha's worktree not listed: $(cat "$TEST_DIR/wt")"
grep -qF "[wave/demo/alpha]" "$TEST_DIR/wt" || fail "alpha's worktree is not on its branch"
grep -qF "$TEST_DIR/w1/repo.wave/demo/beta" "$TEST_DIR/wt" || fail "beta's worktree not listed"
[ -f ../repo.wave/demo/alpha/src/a/one.c ] || fail "alpha's worktree is not checked out"
expect_eq "$(git -C ../repo.wave/demo/beta status --porcelain)" "" "beta's worktree is clean"
expect_eq "$(git -C ../repo.wave/demo/beta rev-parse --abbrev-ref HEAD)" "wave/demo/beta"

test_case "the run state is a commit on refs/wave/demo/state holding the plan and the state"
expect_eq "$(git show refs/wave/demo/state:plan.toml)" "$(git show main:wave.toml)" "plan snapshot"
state_json . >"$TEST_DIR/state"
grep -qF '"integration": "main"' "$TEST_DIR/state" || fail "no integration branch in the state"
grep -qF "\"base\": \"$base\"" "$TEST_DIR/state" || fail "no base in the state"
grep -qF '"setup": "ok"' "$TEST_DIR/state" || fail "setup not recorded"
grep -qF '"worktree": "'"$TEST_DIR"'/w1/repo.wave/demo/alpha"' "$TEST_DIR/state" || fail "worktree path not recorded"

test_case "git log of the state ref reads as an audit trail"
run git log --format=%s refs/wave/demo/state
expect_out "start wave 1: alpha, beta"
expect_out "set up wave 1: alpha ok, beta ok"

test_case "the pre-commit hook is installed"
[ -x .git/hooks/pre-commit ] || fail "no pre-commit hook"
grep -qF "hook pre-commit" .git/hooks/pre-commit || fail "the hook does not run git wave"

test_case "start run twice changes nothing and says so"
before=$(footprint "$TEST_DIR/w1/repo")
run git wave start
expect_rc 0
expect_out "wave 1 of run 'demo' is already started: alpha, beta; nothing to do"
expect_eq "$(footprint "$TEST_DIR/w1/repo")" "$before" "footprint after a second start"

test_case "start keeps the agents' work when run again"
echo "counting" >>../repo.wave/demo/alpha/src/a/one.c
git -C ../repo.wave/demo/alpha commit -q -am "count"
echo "wip" >>../repo.wave/demo/alpha/src/a/one.c
tip=$(git rev-parse wave/demo/alpha)
run git wave start
expect_rc 0
expect_eq "$(git rev-parse wave/demo/alpha)" "$tip"
expect_eq "$(git -C ../repo.wave/demo/alpha status --porcelain)" " M src/a/one.c" "uncommitted work kept"

test_case "wave 2 refuses to start before wave 1 is merged"
before=$(footprint "$TEST_DIR/w1/repo")
run git wave start --wave 2
expect_rc 128
expect_err "error: wave 2 cannot start before wave 1 is merged"
expect_err "gate and merge it first"
expect_eq "$(footprint "$TEST_DIR/w1/repo")" "$before" "footprint after the refusal"

test_case "an unknown wave is named with the run's waves"
run git wave start --wave 7
expect_rc 128
expect_err "error: run 'demo' has no wave '7'"
expect_err "hint: its waves are: 1, 2"

test_case "once wave 1 is merged, start opens wave 2 at the integration tip"
git merge -q --no-ff -m "merge alpha" wave/demo/alpha
set_wave_status . 1 merged
run git wave start
expect_rc 0
expect_out "starting wave 2 of run 'demo'"
expect_out "gamma"
expect_eq "$(git rev-parse wave/demo/gamma)" "$(git rev-parse main)" "gamma starts from the merged tip"
[ -f ../repo.wave/demo/gamma/src/a/one.c ] || fail "gamma's worktree is not checked out"
grep -qF "counting" ../repo.wave/demo/gamma/src/a/one.c || fail "gamma does not see alpha's merged work"
run git log --format=%s refs/wave/demo/state
expect_out "start wave 2: gamma"

test_case "a merged wave cannot start again"
run git wave start --wave 1
expect_rc 128
expect_err "wave 1 of run 'demo' is already merged"

test_case "when every wave is merged the run is complete"
set_wave_status . 2 merged
run git wave start
expect_rc 0
expect_out "run 'demo' is complete"

cd "$TEST_DIR"
mkdir w2
two_wave_repo w2/repo
cd w2/repo

test_case "--worktrees puts the worktrees where the template says; --color=always colours"
run git wave start --worktrees "$TEST_DIR/w2/trees/{run}-{agent}" --color=always
expect_rc 0
grep -q $'\033\[32mok' "$TEST_DIR/out" || fail "--color=always did not colour 'ok'"
[ -f "$TEST_DIR/w2/trees/demo-alpha/src/a/one.c" ] || fail "alpha's worktree is not under --worktrees"
[ -f "$TEST_DIR/w2/trees/demo-beta/src/b/two.c" ] || fail "beta's worktree is not under --worktrees"
state_json . | grep -qF "\"worktree\": \"$TEST_DIR/w2/trees/demo-alpha\"" || fail "path not recorded"

test_case "--worktrees without {agent} and a bad --color are usage errors"
run git wave start --worktrees "$TEST_DIR/elsewhere"
expect_rc 129
expect_err "must contain {agent}"
run git wave start --color=sometimes
expect_rc 129
expect_err "use always, never or auto"

cd "$TEST_DIR"
mkdir w3
two_wave_repo w3/repo
cd w3/repo

test_case "the plan's worktrees template is used, relative to the repository root"
sed -i '1a worktrees = "../wt/{agent}"' wave.toml
git commit -q -am "worktrees next door"
run git wave start --no-hooks
expect_rc 0
[ -f "$TEST_DIR/w3/wt/alpha/src/a/one.c" ] || fail "alpha's worktree is not where the plan says"
[ -e .git/hooks/pre-commit ] && fail "--no-hooks installed a hook"
true

test_case "the plan names the integration branch: start from another branch uses it"
cd "$TEST_DIR"
mkdir w4
two_wave_repo w4/repo
cd w4/repo
sed -i '1a base = "main"' wave.toml
git commit -q -am "base main"
git switch -q -c topic
run git wave start
expect_rc 0
expect_out "from main"
expect_eq "$(git rev-parse wave/demo/alpha)" "$(git rev-parse main)"
