#!/usr/bin/env bash
# git wave status: who is where, readable on a terminal, stable in JSON.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo

test_case "status outside a repository"
mkdir "$TEST_DIR/norepo"
cd "$TEST_DIR/norepo"
GIT_CEILING_DIRECTORIES=$TEST_DIR run git wave status
cd "$TEST_DIR/w/repo"
expect_rc 128
expect_err "not a git repository"

test_case "status before any run says how to start one"
run git wave status
expect_rc 128
expect_err "no run has started in this repository"
expect_err "git wave start"

git wave start >/dev/null
alpha=$TEST_DIR/w/repo.wave/demo/alpha
beta=$TEST_DIR/w/repo.wave/demo/beta
# alpha: two commits of its own, one uncommitted owned change.
echo 1 >>"$alpha/src/a/one.c"; git -C "$alpha" commit -q -am "one"
echo 2 >"$alpha/src/a/two.c"; git -C "$alpha" add -A; git -C "$alpha" commit -q -m "two"
echo 3 >>"$alpha/src/a/one.c"
# beta: a foreign commit slipped in with --no-verify, and a foreign untracked file.
echo b >>"$beta/src/c/three.c"; git -C "$beta" commit -q --no-verify -am "stray"
echo new >"$beta/src/a/stolen.c"

test_case "status shows the run, the wave and each agent"
run git wave status
expect_rc 0
expect_out "run demo into main"
expect_out "waves: 1 started; next: 2"
expect_out "wave 1: started, started"
expect_out "gate: not run yet"
grep -E '^  alpha +- +2 +1 +0 +ok +- +yes +\.\./repo\.wave/demo/alpha$' "$TEST_DIR/out" >/dev/null ||
  fail "alpha's row: $(grep alpha "$TEST_DIR/out")"
grep -E '^  beta +- +1 +1 +2 +ok ' "$TEST_DIR/out" >/dev/null || fail "beta's row: $(grep beta "$TEST_DIR/out")"

test_case "committed and uncommitted violations are listed with their owners"
expect_out "beta: src/c/three.c (committed, owned by no agent)"
expect_out "beta: src/a/stolen.c (uncommitted, owned by alpha, gamma)"

test_case "status --json has the documented shape"
run git wave status --json
expect_rc 0
python3 - "$TEST_DIR/out" "$alpha" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["run"] == "demo" and s["integration"] == "main", s
assert s["current_wave"] == "1" and s["next_wave"] == "2", s
assert [w["label"] for w in s["waves"]] == ["1"] and s["waves"][0]["status"] == "started"
assert s["waves"][0]["agents"] == ["alpha", "beta"] and s["waves"][0]["gate"] is None
a, b = s["agents"]
assert set(a) == {"name", "wave", "branch", "worktree", "worktree_present", "base", "tip", "ahead", "setup",
                  "setup_log", "committed", "uncommitted", "violations", "gate", "hook", "elapsed_seconds",
                  "claimed_by", "run", "usage"}, sorted(a)
assert a["run"] == {"standing": "open", "attempts": 0, "last_end": None, "adopted": False,
                    "decided_by": None, "reason": None}, a["run"]
assert s["actions"] == [] and s["skipped"] == {}, (s["actions"], s["skipped"])
assert a["hook"]["runs"] is True and a["hook"]["path"].endswith("/.git/hooks/pre-commit"), a["hook"]
assert a["hook"]["detail"].startswith("git wave's hook"), a["hook"]
assert a["name"] == "alpha" and a["wave"] == "1" and a["branch"] == "wave/demo/alpha"
assert a["worktree"] == sys.argv[2] and a["worktree_present"] is True
assert a["ahead"] == 2 and a["setup"] == "ok" and a["gate"] is None
assert a["committed"] == [{"status": "M", "path": "src/a/one.c"}, {"status": "A", "path": "src/a/two.c"}], a["committed"]
assert a["uncommitted"] == [{"status": "M", "path": "src/a/one.c"}], a["uncommitted"]
assert a["violations"] == [] and isinstance(a["elapsed_seconds"], int) and a["claimed_by"] is None
assert a["usage"] is None, a["usage"]
assert len(a["tip"]) == 40 and len(a["base"]) == 40
assert b["violations"] == [
    {"path": "src/c/three.c", "committed": True, "owners": [], "protected": False},
    {"path": "src/a/stolen.c", "committed": False, "owners": ["alpha", "gamma"], "protected": False},
], b["violations"]
assert b["uncommitted"] == [{"status": "?", "path": "src/a/stolen.c"}], b["uncommitted"]
PY
[ $? -eq 0 ] || fail "JSON shape"

test_case "status from an agent's worktree shows the same run"
cd "$alpha"
run git wave status --json
expect_rc 0
grep -qF '"run": "demo"' "$TEST_DIR/out" || fail "not the run"
cd "$TEST_DIR/w/repo"

test_case "a gate result recorded in the state is shown, and a tip that moved since"
tip=$(git rev-parse wave/demo/alpha)
edit_state . '
w = s["waves"][0]
w["status"] = "gated"
w["gate"] = {"result": "pass", "base": w["base"], "tips": {"alpha": sys.argv[1], "beta": "0" * 40},
             "candidate": "1" * 40, "started_at": "2024-01-01T00:00:00Z", "finished_at": "2024-01-01T00:01:00Z",
             "steps": [], "culprits": []}' "$tip"
run git wave status
expect_rc 0
expect_out "gate: pass"
grep -E '^  alpha .* pass +yes +\.\./' "$TEST_DIR/out" >/dev/null || fail "alpha's gate: $(grep alpha "$TEST_DIR/out")"
grep -E '^  beta .* pass \(moved\)' "$TEST_DIR/out" >/dev/null || fail "beta moved: $(grep beta "$TEST_DIR/out")"
run git wave status --json
python3 - "$TEST_DIR/out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
a, b = s["agents"]
assert a["gate"] == {"result": "pass", "tested_tip": a["tip"], "current": True, "culprit": False}, a["gate"]
assert b["gate"]["current"] is False, b["gate"]
assert s["waves"][0]["gate"]["result"] == "pass"
PY
[ $? -eq 0 ] || fail "gate in JSON"

test_case "a removed worktree is shown as missing"
git worktree remove --force "$beta"
run git wave status
expect_rc 0
expect_out "repo.wave/demo/beta (missing)"

test_case "--run names the run; an unknown run is an error with a suggestion"
run git wave status --run demo
expect_rc 0
run git wave status --run dmeo
expect_rc 128
expect_err "there is no run 'dmeo'"
expect_err "did you mean 'demo'?"

test_case "with several runs, the plan in the working tree tells which"
git show refs/wave/demo/state:state.json | sed 's/"run": "demo"/"run": "other"/' >"$TEST_DIR/o.json"
blob=$(git hash-object -w "$TEST_DIR/o.json")
tree=$(printf '100644 blob %s\tplan.toml\n100644 blob %s\tstate.json\n' "$(git rev-parse refs/wave/demo/state:plan.toml)" "$blob" | git mktree)
git update-ref refs/wave/other/state "$(git commit-tree -m "start" "$tree")"
run git wave status
expect_rc 0
expect_out "run demo into main"
run git wave status --run other
expect_out "run other into main"
mv wave.toml "$TEST_DIR/plan.saved"
run git wave status
expect_rc 128
expect_err "there are 2 runs; say which with --run <name>"
mv "$TEST_DIR/plan.saved" wave.toml

test_case "--color=always colours, a bad --color is a usage error"
run git wave status --color=always
expect_rc 0
grep -q $'\033\[' "$TEST_DIR/out" || fail "no colour"
run git wave status --color=sometimes
expect_rc 129

test_case "columns stay aligned whatever their values"
run git wave status
# Every row's WORKTREE starts where the header's does.
col=$(grep -E '^  AGENT ' "$TEST_DIR/out" | awk '{ print index($0, "WORKTREE") }')
grep -E '^  (alpha|beta) ' "$TEST_DIR/out" | while IFS= read -r line; do
  [ "${line:$((col - 1)):3}" = "../" ] || fail "misaligned row: '$line' (WORKTREE at $col)"
done

test_case "a merged wave reads calmly: merged, removed, what comes next"
cd "$TEST_DIR"
mkdir m
two_wave_repo m/repo
cd m/repo
sed -i 's/^commands = \["make test"\]/commands = ["true"]/; s/^gate = \["make test-a"\]/gate = ["true"]/' wave.toml
git commit -q -am "gate that passes"
git wave start >/dev/null
echo 1 >>"$TEST_DIR/m/repo.wave/demo/alpha/src/a/one.c"
git -C "$TEST_DIR/m/repo.wave/demo/alpha" commit -q -am "alpha's change"
git wave gate >/dev/null
run git wave merge
expect_rc 0
expect_out "next: wave 2 (gamma); start it with 'git wave start'"
run git wave status
expect_rc 0
expect_out "waves: 1 merged; next: 2"
expect_out "wave 1: merged into main ("
expect_out "gate: pass"
expect_out "next: wave 2; start it with 'git wave start'"
# Their worktrees wait, switched by the next start to its agents' branches.
grep -E '^  alpha +merged +\.\./repo\.wave/demo/alpha \(kept for the next wave\)$' "$TEST_DIR/out" >/dev/null ||
  fail "alpha: $(cat "$TEST_DIR/out")"
grep -E '^  beta +merged +\.\./repo\.wave/demo/beta \(kept for the next wave\)$' "$TEST_DIR/out" >/dev/null ||
  fail "beta: $(cat "$TEST_DIR/out")"
for alarm in gone "(moved)" "(missing)" VIOLATIONS; do
  expect_no_out "$alarm"
done
run git wave status --json
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert [a["hook"] for a in s["agents"]] == [None, None], s' \
  "$TEST_DIR/out" || fail "hook of a merged wave: $(cat "$TEST_DIR/out")"

test_case "after the last wave, status says the run is complete"
git wave start >/dev/null
git wave gate >/dev/null
git wave merge >/dev/null
run git wave status
expect_rc 0
expect_out "waves: 1 merged, 2 merged; run complete"
expect_out "run 'demo' is complete: every wave is merged into main"
