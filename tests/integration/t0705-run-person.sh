#!/usr/bin/env bash
# A person steps into git wave run: finishes an agent by hand, accepts,
# skips or relaunches one, amends the plan of a run in progress, lets an
# agent finish with no change; run builds on what they did.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

# plan NAME [RUN SETTINGS] [TOP-LEVEL SETTINGS]: three_waves with no
# retries: one failure blocks.
plan() { three_waves "$1" 0 "${2:-}" "${3:-}"; }

test_case "a branch repaired by hand after a failure is taken without a relaunch"
fresh repaired "$(plan repaired)"
behave a 1 'mkdir -p a b; echo theirs >b/stolen.txt; git add b/stolen.txt; git commit -q --no-verify -m "take b"'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "a#1 exited: foreign"
run git -C "$REPO" wave repair a
expect_rc 0
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#2 adopted: its branch already passes the proof of done"
expect_no_out "a#2 launched"
expect_no_out "b#2"
expect_out "merged:"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a, attempt 1"
git -C "$REPO" cat-file -e main:b/stolen.txt 2>/dev/null && fail "the foreign file landed"
expect_eq "$(state_field '[(a["number"], a["end"], a.get("adopted", False)) for a in s["waves"][0]["attempts"] if a["agent"] == "a"]')" \
  "[(1, 'foreign', False), (2, 'done', True)]"

test_case "an agent finished by hand before any launch is adopted, not launched"
fresh early "$(plan early)"
run git -C "$REPO" wave start
expect_rc 0
mkdir -p "$TEST_DIR/early.wt/a/a"
echo "by hand" >"$TEST_DIR/early.wt/a/a/work.txt"
git -C "$TEST_DIR/early.wt/a" add -A
git -C "$TEST_DIR/early.wt/a" commit -q -m "a by hand"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "a#1 adopted"
expect_no_out "a#1 launched"
expect_out "b#1 launched"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "by hand"

test_case "accept: an agent that changed nothing is taken as it is, and the gate passes it"
fresh accepted "$(plan accepted)"
behave a 1 'exit 0'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "a#1 exited: unchanged"
expect_err "blocked"
run git -C "$REPO" wave accept a -m "nothing to do here"
expect_rc 0
expect_out "accepted 'a' at "
expect_out "(wave 1): 'git wave run' takes it as done"
run git -C "$REPO" wave accept a
expect_rc 0
expect_out "already accepted 'a'"
run git -C "$REPO" wave status
expect_rc 0
expect_out "accepted"
expect_out "nothing to do here"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "a accepted: accepted as it is at"
expect_no_out "a#2"
expect_out "gated: pass"
expect_eq "$(state_field '[(x["kind"], x["agent"], x["after_attempt"], x["reason"]) for x in s["actions"]]')" \
  "[('accept', 'a', 1, 'nothing to do here')]"
expect_eq "$(state_field '[(p["why"].startswith("an agent of wave 1 failed"), bool(p["until"])) for p in s["waves"][0]["pauses"]]')" \
  "[(True, True)]" "the blocked run, ended by the next run"
run git -C "$REPO" wave report --json
expect_rc 0
python3 - "$TEST_DIR/out" <<'PY' || fail "the report does not show the blocked run and the person's decision: $(cat "$TEST_DIR/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [m["what"] for m in d["marks"]] and d["marks"][0]["what"].startswith("accept a"), d["marks"]
assert d["marks"][0]["what"].endswith(": nothing to do here"), d["marks"]
assert len(d["waves"][0]["blocked"]) == 1, d["waves"][0]
PY
run git -C "$REPO" wave report
expect_rc 0
expect_out "blocked (waiting for a person)"
expect_out "wave 1: accept a"

test_case "accept refuses a branch that touches what the agent does not own, and records nothing"
fresh refused "$(plan refused)"
behave a 1 'mkdir -p b; echo x >b/x.txt; git add -A; git commit -q --no-verify -m x; exit 1'
run git -C "$REPO" wave run --one-wave
expect_rc 1
run git -C "$REPO" wave accept a
expect_rc 128
expect_err "refusing to accept 'a': its branch touches 1 file it does not own"
expect_err "'b/x.txt' is owned by 'b'"
expect_err "git wave repair a"
expect_eq "$(state_field 'len(s.get("actions", []))')" 0

test_case "skip: an agent and those that depend on it are left out; the rest lands"
fresh skipped "$(plan skipped)"
behave a 1 'exit 3'
run git -C "$REPO" wave run --one-wave
expect_rc 1
run git -C "$REPO" wave skip a -m "done upstream"
expect_rc 0
expect_out "skipped 'a' (wave 1): it is left out of the run"
expect_out "its branch 'wave/demo/a' and worktree '$TEST_DIR/skipped.wt/a' are kept"
expect_out "also left out: 'c' (depends on 'a', which is skipped)"
expect_out "also left out: 'd' (depends on 'c', which is skipped)"
run git -C "$REPO" wave relaunch c
expect_rc 128
expect_err "agent 'c' is out of the run: depends on 'a', which is skipped"
run git -C "$REPO" wave run
expect_rc 0
expect_out "done: every wave is merged"
expect_no_out "c#1"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b, attempt 1"
git -C "$REPO" cat-file -e main:a/work.txt 2>/dev/null && fail "the skipped agent landed"
git -C "$REPO" rev-parse -q --verify refs/heads/wave/demo/a >/dev/null || fail "the skipped agent's branch is gone"
run git -C "$REPO" wave status
expect_rc 0
expect_out "skipped"
expect_out "done upstream"

test_case "relaunch: a done agent is launched again, with the reason in its brief"
fresh again "$(plan again)"
run git -C "$REPO" wave run --no-merge
expect_rc 0
run git -C "$REPO" wave relaunch a -m "use the new API"
expect_rc 0
expect_out "relaunch of 'a' (wave 1): the next 'git wave run' launches it (attempt 2)"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#2 launched"
expect_no_out "b#2"
grep -q "The lead asked for this attempt: use the new API" "$REPO/.git/wave/demo/logs/1/a-attempt-2.brief.md.seen" ||
  fail "no reason in the brief: $(cat "$REPO/.git/wave/demo/logs/1/a-attempt-2.brief.md.seen")"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a, attempt 2"

test_case "a decision while an attempt runs, or about an unknown agent, is refused"
run git -C "$REPO" wave accept nosuch
expect_rc 128
expect_err "run 'demo' has no agent 'nosuch'"
run git -C "$REPO" wave accept a
expect_rc 128
expect_err "agent 'a' is already merged with wave 1"
run git -C "$REPO" wave skip a -m "$(printf 'two\nlines')"
expect_rc 129
expect_err "the reason must be one line"

test_case "allow_empty: an agent may finish with no change, in run and in gate alike"
fresh empty "$(plan empty)"
sed -i 's/^name = "a"$/name = "a"\nallow_empty = true/' "$REPO/wave.toml"
git -C "$REPO" commit -q -am "a may have nothing to do"
behave a 1 'exit 0'
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "a#1 exited: done: proven done (nothing changed, as allow_empty permits)"
expect_out "merged:"

test_case "the gate fails an unchanged agent the plan does not allow to be, until it is accepted"
fresh gated "$(plan gated)"
run git -C "$REPO" wave start
expect_rc 0
mkdir -p "$TEST_DIR/gated.wt/a/a"
echo mine >"$TEST_DIR/gated.wt/a/a/x.txt"
git -C "$TEST_DIR/gated.wt/a" add -A
git -C "$TEST_DIR/gated.wt/a" commit -q -m "a's work"
run git -C "$REPO" wave gate
expect_rc 1
expect_out "no change: its task is not done"
expect_out "'b' changed nothing, and the plan does not allow it to finish so (allow_empty)"
run git -C "$REPO" wave accept b -m "b had nothing to do"
expect_rc 0
run git -C "$REPO" wave gate
expect_rc 0

test_case "a plan without launch is refused before anything starts; amend lets the run take the fix"
fresh amended "$(plan amended | sed '/^launch = /d')"
run git -C "$REPO" wave run
expect_rc 128
expect_err "the plan says not how to launch agent 'a'"
git -C "$REPO" rev-parse -q --verify refs/wave/demo/state >/dev/null && fail "the run started anyway"
git -C "$REPO" worktree list | grep -q amended.wt && fail "worktrees were made anyway"
run git -C "$REPO" wave start
expect_rc 0
plan amended >"$REPO/wave.toml"
git -C "$REPO" commit -q -am "launch the agents"
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "would launch a (wave 1): (no launch command in the plan)"
expect_err "run 'demo' goes on with its recorded plan, not the one committed on 'main' since"
expect_err "git wave amend"
run git -C "$REPO" wave run
expect_rc 128
expect_err "commit it, then 'git wave amend' lets this run take it"
run git -C "$REPO" wave amend --dry-run
expect_rc 0
expect_out "would amend run 'demo' to the plan of"
expect_out "the launch command changed"
expect_eq "$(state_field 'len(s.get("amendments", []))')" 0
run git -C "$REPO" wave amend
expect_rc 0
expect_out "amended run 'demo'"
run git -C "$REPO" wave amend
expect_rc 0
expect_out "already has the plan committed on 'main': nothing to amend"
expect_eq "$(state_field '[(m["to"] == s["plan_commit"], m["changes"]) for m in s["amendments"]]')" \
  "[(True, ['the launch command changed'])]"
run git -C "$REPO" wave run
expect_rc 0
expect_out "done: every wave is merged"

test_case "amend refuses to change what has started, naming each reason, and records nothing"
fresh strict "$(plan strict)"
run git -C "$REPO" wave start
expect_rc 0
sed -i 's|^owns = \["a/\*\*"\]$|owns = ["a/**", "shared/**"]|; s|^after = \["c"\]$|after = ["b"]|' "$REPO/wave.toml"
git -C "$REPO" commit -q -am "grow a, move d"
before=$(git -C "$REPO" rev-parse refs/wave/demo/state)
run git -C "$REPO" wave amend
expect_rc 128
expect_err "cannot amend run 'demo': agent 'a' of wave 1, which has started, owns a/** shared/** instead of a/**"
expect_err "only the waves not yet started can change"
expect_eq "$(git -C "$REPO" rev-parse refs/wave/demo/state)" "$before" "the state after a refused amend"
