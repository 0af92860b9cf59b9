#!/usr/bin/env bash
# git wave run drives scripted agents (small scripts that read the brief on
# stdin and edit their files) through the whole plan, proving each done,
# retrying only what failed, as continuations.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

test_case "a three-wave plan runs unattended to the end, each wave from the one merged before"
fresh full "$(three_waves full)"
behave c 1 'test -f a/work.txt || { echo "wave 1 is missing from my worktree" >&2; exit 9; }'
behave d 1 'test -f c/work.txt || { echo "wave 2 is missing from my worktree" >&2; exit 9; }'
run git -C "$REPO" wave run
expect_rc 0
expect_out "wave 1 a#1 launched: sh $AGENT"
expect_out "wave 3 d#1 exited: done: proven done"
expect_out "done: every wave is merged"
! grep -q squash "$TEST_DIR/err" || fail "a squash hint without a failed attempt: $(cat "$TEST_DIR/err")"
for x in a b c d; do
  expect_eq "$(git -C "$REPO" show "main:$x/work.txt")" "work of $x, attempt 1"
done
expect_eq "$(state_field '[w["status"] for w in s["waves"]]')" "['merged', 'merged', 'merged']"
expect_eq "$(state_field 'all(a["launched_at"] and a["exited_at"] and a["end"] == "done" for w in s["waves"] for a in w["attempts"])')" "True"
grep -q "^# Brief for agent 'c' (run 'demo', wave 2)" "$(ls "$REPO"/.git/wave/demo/logs/2/c-attempt-1.brief.md.seen)" ||
  fail "c did not get its brief on stdin"
grep -q "worktree' 'add'" "$REPO"/.git/wave/demo/logs/gate-1-*/*checkout.log || fail "wave 1's gate did not make the scratch worktree"
grep -q "'checkout' '-q'" "$REPO"/.git/wave/demo/logs/gate-2-*/*checkout.log ||
  fail "wave 2's gate did not reuse the scratch worktree: $(cat "$REPO"/.git/wave/demo/logs/gate-2-*/*checkout.log)"
expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c '^worktree ')" 1 "worktrees left after the run"
run git -C "$REPO" wave logs c
expect_rc 0
expect_out "agent c, attempt 1, wave 2 of demo"
# An agent the run does not have is named so (issue 18), not "no attempt".
run git -C "$REPO" wave logs cc
expect_rc 128
expect_err "error: run 'demo' has no agent 'cc'"
expect_err "hint: did you mean 'c'?"
run git -C "$REPO" wave run
expect_rc 0
expect_out "done: every wave is merged"

test_case "an agent that fails its first attempt is relaunched with the failure in its brief"
fresh retry "$(three_waves retry)"
behave b 1 'echo "cannot do it" >&2; exit 3'
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 b#1 exited: failed: the launch command ended with exit 3"
expect_out "wave 1 b#2 retried: attempt 1 ended: failed"
expect_out "wave 1 b#2 exited: done"
expect_no_out "a#2"
# merge = "merge" landed attempt 1's commits too: the run says so, and what
# keeps them out (issue 18).
expect_err 'hint: 1 attempt failed in merged waves; with merge = "merge" the commits they left landed under the merges'
expect_err 'hint: merge = "squash" in wave.toml lands one commit per agent in the next run'
brief2="$REPO/.git/wave/demo/logs/1/b-attempt-2.brief.md.seen"
grep -q "## Why the previous attempt ended" "$brief2" || fail "no previous attempt in the second brief"
grep -q "Attempt 1 ended because it failed" "$brief2" || fail "the reason is missing: $(cat "$brief2")"
grep -q "exit 3" "$brief2" || fail "the exit status is missing"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b, attempt 2"
expect_eq "$(state_field '[w["label"] for w in s["waves"]]')" "['1']"

test_case "an agent that exits 0 having changed nothing is not done"
fresh lazy "$(three_waves lazy 0)"
behave a 1 'exit 0'
before=$(tip main)
run git -C "$REPO" wave run
expect_rc 1
expect_out "wave 1 a#1 exited: unchanged: it exited 0 but changed nothing"
expect_err "error: blocked: an agent of wave 1 failed 1 attempt: 'a': unchanged"
expect_err "hint: 'git wave run' again gives each failed agent new attempts"
expect_eq "$(tip main)" "$before" "main moved"
test_case "running it again picks up from there"
run git -C "$REPO" wave run
expect_rc 0
expect_out "wave 1 a#2 launched"
expect_no_out "b#2"

test_case "a gate culprit is relaunched with the gate's log, then lands"
fresh culprit "$(three_waves culprit)" 'if grep -q broken b/work.txt 2>/dev/null; then echo "b/work.txt is broken" >&2; exit 1; fi'
behave b 1 'mkdir -p b; echo broken >b/work.txt; exit 0'
printf '%s\n' 'mkdir -p b; echo "fixed after the gate said: $(grep -c "b/work.txt is broken" "$GIT_WAVE_BRIEF")" >b/work.txt; exit 0' >"$TEST_DIR/behave/b.2"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "gated: the gate failed on the candidate"
expect_out "wave 1 b#2 launched"
expect_no_out "a#2"
brief2="$REPO/.git/wave/demo/logs/1/b-attempt-2.brief.md.seen"
grep -q "the wave's gate failed because of its work" "$brief2" || fail "no culprit reason: $(cat "$brief2")"
grep -q "b/work.txt is broken" "$brief2" || fail "no gate log in the brief"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "fixed after the gate said: 1"

test_case "run --no-bisect: a failed wave gate searches for no culprit, and the run stops"
fresh plain "$(three_waves plain)" 'if grep -q broken b/work.txt 2>/dev/null; then echo "b/work.txt is broken" >&2; exit 1; fi'
behave b 1 'mkdir -p b; echo broken >b/work.txt; exit 0'
run git -C "$REPO" wave run --one-wave --no-bisect
expect_rc 1
expect_out "gated: the gate failed on the candidate"
expect_no_out "bisect"
expect_no_out "b#2"
expect_err "error: blocked: the gate of wave 1 failed and names no agent"
run git -C "$REPO" wave run --bisect=1 --no-bisect
expect_rc 129
expect_err "error: --bisect and --no-bisect cannot be used together"

test_case "a hung agent is killed by the idle timeout and retried"
fresh hung "$(three_waves hung 1 'idle_timeout = "1s"')"
behave a 1 'sleep 60 & echo $! >"$WAVE_TEST_DIR/hung.pid"; wait'
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#1 output-idle: no output for"
expect_out "wave 1 a#1 exited: stalled: killed after"
expect_no_out "stalled: stalled"
expect_out "wave 1 a#2 exited: done"
! alive "$(cat "$TEST_DIR/hung.pid")" || fail "the stalled agent's process survived"
expect_eq "$(state_field '[a["end"] for a in s["waves"][0]["attempts"] if a["agent"] == "a"]')" "['stalled', 'done']"

test_case "max_parallel caps the agents running at once, and stagger spaces their launches"
fresh cap "$(three_waves cap 1 'stagger = "2s"' | sed 's/^name = "demo"$/name = "demo"\nmax_parallel = 1/')"
behave a 1 'sleep 1'
run git -C "$REPO" wave run --one-wave
expect_rc 0
python3 - "$TEST_DIR/timeline" <<'PY' || fail "the cap or the stagger was not held: $(cat "$TEST_DIR/timeline")"
import sys
spans = {}
for line in open(sys.argv[1]):
    agent, attempt, what, t = line.split()
    spans.setdefault((agent, attempt), {})[what] = float(t)
(s1, s2) = sorted(spans.values(), key=lambda s: s["start"])
assert s1["end"] <= s2["start"], "two agents ran at once"
assert s2["start"] - s1["start"] >= 2.0, "launched less than the stagger apart"
PY

test_case "run killed with -9 mid-wave, then run again: no attempt twice at once, nothing lost"
fresh killed "$(three_waves killed)"
behave a 1 'sleep 3; echo "a: still talking after the run was killed"'
kill_run_when "$TEST_DIR/run1.out" KILL "$a_started"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "still running; waiting for it to end"
expect_no_out "a#2 launched"
expect_eq "$(grep -c '^a ' "$TEST_DIR/timeline")" 2 "a ran more than once: $(cat "$TEST_DIR/timeline")"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a, attempt 1"
grep -q "still talking after the run was killed" "$REPO/.git/wave/demo/logs/1/a-attempt-1.log" ||
  fail "what the agent wrote after the kill is not in its log"

test_case "Ctrl-C stops the agents it started; the next run continues"
fresh interrupted "$(three_waves interrupted)"
behave a 1 'sleep 60 & echo $! >"$WAVE_TEST_DIR/interrupted.pid"; wait'
kill_run_when "$TEST_DIR/run2.out" INT '[ -s "$TEST_DIR/interrupted.pid" ]'
sleep 0.3
! alive "$(cat "$TEST_DIR/interrupted.pid")" || fail "an agent survived Ctrl-C"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#2 launched"
expect_out "merged"

test_case "--json prints one event a line, in the documented shape"
fresh json "$(three_waves json)"
run git -C "$REPO" wave run --json --one-wave
expect_rc 0
python3 - "$TEST_DIR/out" <<'PY' || fail "bad event stream: $(cat "$TEST_DIR/out")"
import json, sys
keys = ["event", "at", "run", "wave", "agent", "attempt", "ok", "detail", "log", "usage"]
kinds = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert list(e) == keys, e
    assert e["event"] in {"started", "launched", "exited", "retried", "budget", "committed", "gate-step",
                          "gated", "merged", "blocked", "done", "waiting", "output-idle"}, e
    assert isinstance(e["attempt"], int) and isinstance(e["ok"], bool)
    # A script's output reports no usage.
    assert e["usage"] is None, e
    kinds.add(e["event"])
assert {"launched", "exited", "committed", "gated", "merged"} <= kinds, kinds
PY

test_case "--dry-run prints what it would launch and changes nothing"
fresh dry "$(three_waves dry)"
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "would start wave 1 of run 'demo'"
expect_out "would launch a (wave 1): sh $AGENT"
[ -z "$(git -C "$REPO" for-each-ref refs/wave)" ] || fail "the dry run wrote refs"

test_case "notify commands get the notable events as JSON on stdin"
fresh notify "$(three_waves notify 1 "notify = [\"cat >> $TEST_DIR/notified\"]")"
run git -C "$REPO" wave run --one-wave
expect_rc 0
grep -q '"event":"merged"' "$TEST_DIR/notified" || fail "no merged event notified: $(cat "$TEST_DIR/notified" 2>/dev/null)"

test_case "an exited line ends on what it announces: the foreign file, the own gate's last line"
fresh lines "$(three_waves lines 0 | sed 's|^owns = \["b/\*\*"\]$|owns = ["b/**"]\ngate = ["sh check.sh"]|')"
printf '%s\n' 'echo "checking b"; echo "b/work.txt: expected 42, got 41" >&2; exit 1' >"$REPO/check.sh"
git -C "$REPO" add check.sh
git -C "$REPO" commit -q -m "b's check"
behave a 1 'mkdir -p c; echo "not mine" >c/stolen.txt'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "wave 1 a#1 exited: foreign: it left changes to files it may not touch, not committed: 'c/stolen.txt' is owned by 'c'"
expect_out "wave 1 b#1 exited: own-gate: its own gate 'sh check.sh' failed (exit 1): b/work.txt: expected 42, got 41"
! grep -E ' exited: .*:$' "$TEST_DIR/out" || fail "an exited line ends on a colon: $(cat "$TEST_DIR/out")"
