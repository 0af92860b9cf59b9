#!/usr/bin/env bash
# git wave gate + merge: only a gated wave lands, one merge (or squash) per
# agent in plan order, and only if nothing moved since the gate.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[gate]
commands = ["sh gate.sh"]
timeout = "60s"

[[agent]]
name = "alpha"
task = "Build alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
task = "Build beta"
owns = ["beta/**"]'

GATE='if [ -e beta/broken ]; then echo "beta is broken" >&2; exit 1; fi
echo "gate ok on $WAVE_CANDIDATE for $WAVE_AGENTS"'

test_case "a failing gate blocks the merge and the integration branch does not move"
make_repo failing "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "alpha work"
work beta beta/broken "oops"
before=$(tip main)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "gate wave 1: FAIL"
expect_out "beta is broken"
expect_out "log: $REPO/.git/wave/demo/logs/gate-1-"
expect_out "culprit: 'beta' breaks the gate"
run git -C "$REPO" wave merge
expect_rc 1
expect_err "the last gate of wave 1 failed"
expect_eq "$(tip main)" "$before" "main moved"
expect_eq "$(git -C "$REPO" log -1 --format=%s refs/wave/demo/state)" "gate wave 1: fail"
[ -d "$(wt alpha)" ] || fail "alpha's worktree is gone"

test_case "a passing gate then merge lands one merge per agent in plan order"
make_repo passing "$PLAN" "$GATE"
start_wave
base=$(tip main)
work beta beta/b.txt "beta work"
work alpha alpha/a.txt "alpha work"
alpha_tip=$(tip wave/demo/alpha)
beta_tip=$(tip wave/demo/beta)
alpha_wt=$(wt alpha)
run git -C "$REPO" wave gate
expect_rc 0
expect_out "gate wave 1: pass"
grep -q "gate ok on .* for alpha beta" "$REPO"/.git/wave/demo/logs/gate-1-*/*-gate.log || fail "gate environment"
expect_eq "$(tip main)" "$base" "the gate moved main"
run git -C "$REPO" wave merge
expect_rc 0
expect_out "merged wave 1 of run 'demo' into 'main'"
expect_out "run 'demo' is complete: every wave is merged into 'main'"
expect_eq "$(git -C "$REPO" log --first-parent --format=%s "$base"..main)" "Merge wave 1 agent 'beta': Build beta
Merge wave 1 agent 'alpha': Build alpha"
expect_eq "$(tip 'main^2')" "$beta_tip"
expect_eq "$(tip 'main~1^2')" "$alpha_tip"
expect_eq "$(tip 'main~2')" "$base"
expect_eq "$(cat "$REPO/alpha/a.txt")" "alpha work" "the main worktree followed"
expect_eq "$(git -C "$REPO" status --porcelain)" ""
[ ! -e "$alpha_wt" ] || fail "alpha's worktree was not removed"
expect_eq "$(git -C "$REPO" branch --list 'wave/*')" ""
expect_eq "$(git -C "$REPO" log -1 --format=%s refs/wave/demo/state)" "merge wave 1"
# A rerun of a merge that is done does nothing and says so, as git
# merge's "Already up to date." (issue 18).
merged_tip=$(tip main)
run git -C "$REPO" wave merge
expect_rc 0
expect_out "wave 1 of run 'demo' is already merged into 'main' ($(git -C "$REPO" rev-parse --short=7 main)); nothing to do"
expect_eq "$(cat "$TEST_DIR/err")" ""
expect_eq "$(tip main)" "$merged_tip" "main moved"
expect_eq "$(git -C "$REPO" log -1 --format=%s refs/wave/demo/state)" "merge wave 1"
run git -C "$REPO" wave merge --json
expect_rc 0
expect_out '"already_merged": true'
expect_out "\"to\": \"$merged_tip\""

test_case "squash lands one commit per agent with its task as message"
make_repo squash "${PLAN/\[gate\]/merge = \"squash\"
[gate]}" "$GATE"
start_wave
base=$(tip main)
work alpha alpha/a.txt "one"
work alpha alpha/b.txt "two"
work beta beta/b.txt "beta work"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" log --format=%s "$base"..main)" "Build beta
Build alpha"
expect_eq "$(git -C "$REPO" rev-list --merges --count "$base"..main)" "0"
expect_out "refs/wave/demo/archive/1-1"
expect_eq "$(git -C "$REPO" log --format=%s -1 refs/wave/demo/archive/1-1^1)" "alpha: alpha/b.txt"

test_case "a tip moved after the gate makes merge refuse and say what moved"
make_repo moved "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "alpha work"
run git -C "$REPO" wave gate
expect_rc 0
gated=$(tip wave/demo/alpha)
work alpha alpha/late.txt "after the gate"
before=$(tip main)
run git -C "$REPO" wave merge
expect_rc 1
expect_err "branch 'wave/demo/alpha' moved since the gate: it was $(git -C "$REPO" rev-parse --short=7 "$gated")"
expect_err "hint: run 'git wave gate' to test what is there now"
expect_eq "$(tip main)" "$before"
run git -C "$REPO" wave gate
expect_rc 0
commit_file "$REPO" lead.txt "the lead commits on main"
run git -C "$REPO" wave merge
expect_rc 1
expect_err "the integration branch 'main' moved since the gate"
run git -C "$REPO" wave gate --json
expect_rc 0
expect_out '"result": "pass"'
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" show main:lead.txt)" "the lead commits on main"

test_case "a worktree holding files the gate never saw is kept, with its branch, and merge says why"
make_repo dirty "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "alpha work"
work beta beta/b.txt "beta work"
run git -C "$REPO" wave gate
expect_rc 0
echo "scratch notes" >"$(wt beta)/notes.txt"
beta_wt=$(wt beta)
run git -C "$REPO" wave merge
expect_rc 0
expect_out "worktree '$beta_wt' of 'beta': it has uncommitted changes"
[ -e "$beta_wt/notes.txt" ] || fail "the untracked file was lost"
git -C "$REPO" rev-parse -q --verify refs/heads/wave/demo/beta >/dev/null || fail "beta's branch was deleted under its kept worktree"
[ ! -e "$(wt alpha 2>/dev/null)" ] || [ -z "$(wt alpha)" ] || fail "alpha's clean worktree was kept"

test_case "merge --keep keeps the worktrees and branches; --json says what it did"
make_repo keep "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "alpha work"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge --keep --json
expect_rc 0
expect_out '"wave": "1"'
expect_out "\"to\": \"$(tip main)\""
expect_out '"done": []'
expect_out '"next_wave": null'
[ -d "$(wt alpha)" ] || fail "alpha's worktree was removed"
expect_eq "$(tip wave/demo/alpha)" "$(tip 'main^2')"
# A gate of a wave that landed has nothing to do: it says so, exits 0
# (issue 18), and records nothing.
state_before=$(git -C "$REPO" rev-parse refs/wave/demo/state)
run git -C "$REPO" wave gate
expect_rc 0
expect_out "wave 1 of run 'demo' is already merged; nothing to gate"
expect_eq "$(git -C "$REPO" rev-parse refs/wave/demo/state)" "$state_before" "the gate recorded something"
run git -C "$REPO" wave gate --json
expect_rc 0
expect_out '"already_merged": true'

test_case "gate --json of a failing gate has the shape git-wave-gate(1) documents"
make_repo jsonshape "$PLAN" "$GATE"
start_wave
work alpha alpha/a.txt "alpha work"
work beta beta/broken "oops"
run git -C "$REPO" wave gate --json --no-bisect
expect_rc 1
python3 - "$TEST_DIR/out" fail <<'PY' || fail "gate --json does not match git-wave-gate(1); output in $TEST_DIR/out"
import json, sys
g = json.load(open(sys.argv[1]))
top = {"run", "wave", "result", "summary", "base", "candidate", "tips", "commits", "violations",
       "conflict", "steps", "bisect", "culprits", "logs"}
assert set(g) == top, sorted(set(g) ^ top)
assert g["result"] == sys.argv[2], g["result"]
assert isinstance(g["tips"], dict) and set(g["tips"]) == {"alpha", "beta"}
assert all(len(t) == 40 for t in g["tips"].values())
assert isinstance(g["steps"], list) and g["steps"]
for s in g["steps"]:
    assert set(s) == {"name", "agent", "command", "status", "duration_ms", "log", "detail"}, sorted(s)
    assert s["status"] in ("pass", "fail", "timeout", "skipped")
    assert isinstance(s["duration_ms"], int)
assert any(s["status"] == "fail" for s in g["steps"])
assert g["conflict"] is None and isinstance(g["violations"], list) and isinstance(g["culprits"], list)
PY
