#!/usr/bin/env bash
# The gate's ownership audit (what --no-verify cannot skip) and lead-commits
# mode (gate's first step, and `git wave commit`).
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
task = "Build alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
task = "Build beta"
owns = ["beta/**"]'

test_case "a --no-verify commit of a foreign file fails the gate"
make_repo noverify "$PLAN"
start_wave
work alpha alpha/a.txt "mine"
work alpha beta/stolen.txt "not mine" --no-verify
bad=$(git -C "$REPO" rev-parse --short=7 wave/demo/alpha)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "fail    audit alpha"
expect_out "'beta/stolen.txt' is owned by 'beta' (commit $bad)"
expect_out "gate wave 1: FAIL ownership audit failed"
expect_eq "$(git -C "$REPO" log -1 --format=%s refs/wave/demo/state)" "gate wave 1: fail"
run git -C "$REPO" wave merge
expect_rc 1

test_case "renames, deletions and protected paths are audited too"
make_repo renames "$PLAN"
start_wave
dir=$(wt beta)
mkdir -p "$dir/beta"
git -C "$dir" mv README.md beta/README.md
git -C "$dir" commit -q --no-verify -m "move the readme in"
printf 'name = "hacked"\n' >"$dir/wave.toml"
git -C "$dir" commit -q --no-verify -am "grant myself more"
run git -C "$REPO" wave gate --json
expect_rc 1
expect_out '"path": "README.md"'
expect_out '"path": "wave.toml"'
expect_out '"protected": true'
expect_no_out '"path": "beta/README.md"'

test_case "uncommitted agent work is committed in lead-commits mode and lands"
make_repo lead "$PLAN"
start_wave
leave alpha alpha/new.txt "left uncommitted by alpha"
work beta beta/one.txt "committed by beta"
leave beta beta/one.txt "then changed, uncommitted"
run git -C "$REPO" wave gate
expect_rc 0
expect_out "pass    commit alpha"
expect_out "pass    commit beta"
expect_eq "$(git -C "$REPO" log -1 --format=%s wave/demo/alpha)" "Build alpha"
expect_eq "$(git -C "$(wt alpha)" status --porcelain)" ""
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" show main:alpha/new.txt)" "left uncommitted by alpha"
expect_eq "$(git -C "$REPO" show main:beta/one.txt)" "then changed, uncommitted"

test_case "a foreign uncommitted file refuses that agent and loses nothing"
make_repo refuse "$PLAN"
start_wave
leave alpha alpha/ok.txt "fine"
leave alpha beta/evil.txt "not alpha's"
git -C "$(wt alpha)" add beta/evil.txt
status_before=$(git -C "$(wt alpha)" status --porcelain)
index_before=$(git -C "$(wt alpha)" ls-files -s)
tip_before=$(tip wave/demo/alpha)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "fail    commit alpha"
expect_out "'beta/evil.txt' is owned by 'beta'"
expect_eq "$(git -C "$(wt alpha)" status --porcelain)" "$status_before"
expect_eq "$(git -C "$(wt alpha)" ls-files -s)" "$index_before"
expect_eq "$(tip wave/demo/alpha)" "$tip_before"
expect_eq "$(cat "$(wt alpha)/beta/evil.txt")" "not alpha's"

test_case "git wave commit commits each agent's work after the same check"
make_repo commit "$PLAN"
start_wave
leave alpha alpha/x.txt "x"
leave beta alpha/y.txt "foreign"
run git -C "$REPO" wave commit alpha
expect_rc 0
expect_out "committed alpha: 1 file as"
run git -C "$REPO" wave commit
expect_rc 1
expect_out "clean     alpha: nothing to commit"
expect_out "refused   beta: 1 of 1 changed files are not its to touch"
expect_out "'alpha/y.txt' is owned by 'alpha'"
[ -e "$(wt beta)/alpha/y.txt" ] || fail "beta's file is gone"
leave alpha alpha/z.txt "z"
run git -C "$REPO" wave commit alpha alpha
expect_rc 0
expect_eq "$(grep -c 'alpha' "$TEST_DIR/out")" 1 "alpha named twice is committed and reported once"
run git -C "$REPO" wave commit gama
expect_rc 129
expect_err "'gama' is not an agent of wave 1"
run git -C "$REPO" wave commit --color=always
grep -q $'\033\[31mrefused' "$TEST_DIR/out" || fail "--color=always did not colour 'refused'"
run git -C "$REPO" -c color.ui=always wave commit --color=never
grep -q $'\033\[' "$TEST_DIR/out" && fail "--color=never coloured the output"
run git -C "$REPO" wave commit --color=sometimes
expect_rc 129
