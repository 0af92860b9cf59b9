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

# set_abort_intent: records in the state what an abort killed right after
# recording its intent leaves: the archive ref it chose, each agent's tip
# and kept commit (AGENT=TIP:KEPT ...).
set_abort_intent() {
  local state_file="$TEST_DIR/state.json"
  git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c '
import json, sys
s = json.load(sys.stdin)
agents = []
for arg in sys.argv[1:]:
    name, oids = arg.split("=")
    tip, kept = oids.split(":")
    agents.append({"name": name, "from": tip, "to": kept, "index": ""})
s["waves"][-1]["intent"] = {"kind": "abort", "started_at": "2005-04-07T22:13:13Z",
                            "command": "git wave abort", "keep": False,
                            "archive": "refs/wave/demo/archive/1-1", "agents": agents}
print(json.dumps(s, indent=2))' "$@" >"$state_file"
  write_state "$REPO" "$state_file" "abort wave 1: begun"
}

test_case "an abort killed half way is finished by a rerun: one archive, half-removed worktrees gone"
make_repo killed "$PLAN"
start_wave
work alpha alpha/one.txt "first"
work beta beta/kept.txt "v1"
echo "v2, not committed" >"$(wt beta)/beta/kept.txt"
alpha_tip=$(tip wave/demo/alpha)
beta_tip=$(tip wave/demo/beta)
beta_kept=$(git -C "$(wt beta)" stash create "uncommitted work of beta")
alpha_wt=$(wt alpha)
beta_wt=$(wt beta)
set_abort_intent "alpha=$alpha_tip:$alpha_tip" "beta=$beta_tip:$beta_kept"
# git worktree remove killed half way through alpha's files.
rm -f "$alpha_wt/.git" "$alpha_wt/alpha/one.txt"
run git -C "$REPO" wave status
expect_out "interrupted: the abort of wave 1 by a killed 'git wave abort'"
run git -C "$REPO" wave abort
expect_rc 0
expect_out "aborted wave 1 of run 'demo' (finishing an interrupted abort)"
expect_err "note: finished the abort of wave 1 that a killed 'git wave abort' left"
expect_eq "$(git -C "$REPO" for-each-ref --format='%(refname)' refs/wave/demo/archive)" "refs/wave/demo/archive/1-1"
expect_eq "$(tip 'refs/wave/demo/archive/1-1^1')" "$alpha_tip"
expect_eq "$(git -C "$REPO" show 'refs/wave/demo/archive/1-1^2:beta/kept.txt')" "v2, not committed"
[ ! -e "$alpha_wt" ] || fail "what was left of alpha's worktree is still there"
[ ! -e "$beta_wt" ] || fail "beta's worktree is still there"
expect_eq "$(git -C "$REPO" branch --list 'wave/*')" ""
expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c '^worktree ')" 1

test_case "a worktree that changed after the abort began is left alone, with its branch"
make_repo changed "$PLAN"
start_wave
work beta beta/kept.txt "v1"
beta_tip=$(tip wave/demo/beta)
alpha_tip=$(tip wave/demo/alpha)
set_abort_intent "alpha=$alpha_tip:$alpha_tip" "beta=$beta_tip:$beta_tip"
echo "written after the kill" >"$(wt beta)/beta/later.txt"
run git -C "$REPO" wave abort
expect_rc 128
expect_out "it changed after the abort began; its new work is left there"
expect_err "the wave is aborted, but not all of it could be removed"
expect_eq "$(cat "$(wt beta)/beta/later.txt")" "written after the kill"
expect_eq "$(tip wave/demo/beta)" "$beta_tip"
