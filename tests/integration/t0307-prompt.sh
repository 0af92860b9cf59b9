#!/usr/bin/env bash
# git wave prompt AGENT: the agent's brief, as in seed 001.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo

test_case "before any run, the brief is a preview from the working tree's plan"
run git wave prompt alpha
expect_rc 0
expect_out "# Brief for agent 'alpha' (run 'demo', wave 1)"
expect_out "not created yet"

git wave start >/dev/null
alpha=$TEST_DIR/w/repo.wave/demo/alpha

test_case "the brief has the task, where to work and the base"
run git wave prompt alpha
expect_rc 0
expect_out "## Task"
expect_out "Teach a to count"
expect_out "- Worktree: $alpha"
expect_out "- Branch: wave/demo/alpha"
expect_out "- Based on main at $(git rev-parse --short=7 main) (\"plan and sources\")"

test_case "ONLY modify these: its patterns and the files they match now"
expect_out "## ONLY modify these"
expect_out "- src/a/**"
expect_out "Files that exist now and are yours (1):"
expect_out "- src/a/one.c"

test_case "DO NOT MODIFY: the other agents of the wave and the protected paths"
expect_out "## DO NOT MODIFY"
expect_out "- src/b/**, docs/b.md (owned by agent 'beta', working at the same time)"
expect_out "- wave.toml (protected: nobody may change it)"
expect_out "- .github/** (protected: nobody may change it)"
expect_no_out "gamma"

test_case "the state of the base, how to verify and how to commit"
expect_out "No wave of this run is merged yet"
expect_out "No gate of this run has passed yet"
expect_out "## How to verify"
expect_out "- make test-a"
expect_out "- make test"
expect_out "## How to commit"
expect_out "on branch wave/demo/alpha"
expect_out "Never bypass the pre-commit hook (--no-verify)"
expect_no_out "## Work already done"

test_case "a continuation agent's brief lists the work already in the worktree"
echo 1 >>"$alpha/src/a/one.c"; git -C "$alpha" commit -q -am "half of it"
echo 2 >"$alpha/src/a/more.c"
echo 3 >"$alpha/src/b/oops.c"
run git wave prompt alpha
expect_rc 0
expect_out "## Work already done in this worktree"
expect_out "Committed on wave/demo/alpha (1 commit since the base), changing:"
expect_out "- M src/a/one.c"
expect_out "Not committed yet:"
expect_out "- A src/a/more.c"
expect_out "Of these, outside what you own (undo them, or ask the lead):"
expect_out "- src/b/oops.c"

test_case "after wave 1 is merged, wave 2's brief names the merged wave and the last gate"
git merge -q --no-ff -m "wave 1" wave/demo/alpha
set_wave_status . 1 merged
edit_state . '
s["waves"][0]["gate"] = {"result": "pass", "base": "0" * 40, "tips": {}, "candidate": "", "started_at": "",
                         "finished_at": "2024-01-01T00:01:00Z", "steps": [], "culprits": []}'
git wave start >/dev/null
run git wave prompt gamma
expect_rc 0
expect_out "# Brief for agent 'gamma' (run 'demo', wave 2)"
expect_out "Merged into main before you started: wave 1 (alpha, beta)."
expect_out "The last gate that passed: wave 1, at 2024-01-01T00:01:00Z (make test)."
expect_no_out "owned by agent 'alpha'"

test_case "a read-only agent is told to change nothing"
cd "$TEST_DIR"
mkdir w2
two_wave_repo w2/repo
cd w2/repo
printf '\n[[agent]]\nname = "reviewer"\ntask = "Review"\n' >>wave.toml
git commit -q -am "a reviewer"
run git wave prompt reviewer
expect_rc 0
expect_out "Nothing: you are a read-only agent"
expect_out "Do not commit: your branch must stay empty."

test_case "an unknown agent is named, with the nearest one"
run git wave prompt alhpa
expect_rc 128
expect_err "error: run 'demo' has no agent 'alhpa'"
expect_err "hint: did you mean 'alpha'?"
expect_err "hint: its agents: alpha, beta, gamma, reviewer"

test_case "prompt needs an agent"
run git wave prompt
expect_rc 129
