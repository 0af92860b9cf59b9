#!/usr/bin/env bash
# git wave abort throws a wave away, keeping every commit reachable, so that
# the wave can start again clean.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[[agent]]
name = "alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
owns = ["beta/**"]'

test_case "abort keeps every agent commit reachable from an archive ref"
make_repo abort "$PLAN"
start_wave
base=$(tip main)
work alpha alpha/one.txt "first"
work alpha alpha/two.txt "second"
alpha_tip=$(tip wave/demo/alpha)
leave beta beta/draft.txt "never committed"
alpha_wt=$(wt alpha)
run git -C "$REPO" wave abort
expect_rc 0
expect_out "aborted wave 1 of run 'demo'"
expect_out "refs/wave/demo/archive/1-1"
expect_eq "$(tip 'refs/wave/demo/archive/1-1^1')" "$alpha_tip"
expect_eq "$(git -C "$REPO" show 'refs/wave/demo/archive/1-1^2:beta/draft.txt')" "never committed"
expect_eq "$(git -C "$REPO" rev-list --count "$base..refs/wave/demo/archive/1-1^1")" "2"
expect_eq "$(git -C "$REPO" branch --list 'wave/*')" ""
[ ! -e "$alpha_wt" ] || fail "alpha's worktree is still there"
expect_eq "$(tip main)" "$base"
expect_eq "$(git -C "$REPO" log -1 --format=%s refs/wave/demo/state)" "abort wave 1"
git -C "$REPO" gc -q --prune=now
expect_eq "$(tip 'refs/wave/demo/archive/1-1^1')" "$alpha_tip"

test_case "the aborted wave starts again clean and lands"
start_wave
expect_eq "$(tip wave/demo/alpha)" "$base"
expect_eq "$(git -C "$(wt beta)" status --porcelain)" ""
work alpha alpha/again.txt "re-briefed"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" show main:alpha/again.txt)" "re-briefed"
run git -C "$REPO" wave abort --wave 1
expect_rc 128

test_case "abort --json names the archive and each agent's commit"
make_repo json "$PLAN"
start_wave
work beta beta/x.txt "x"
run git -C "$REPO" wave abort --json
expect_rc 0
expect_out '"archive": "refs/wave/demo/archive/1-1"'
expect_out '"rev": "refs/wave/demo/archive/1-1^1"'
expect_out '"agent": "beta"'
