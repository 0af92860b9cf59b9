#!/usr/bin/env bash
# An agent on another machine: `git wave join RUN AGENT` in any clone fetches
# the run and the agent's branch, sets up its worktree with the hook
# enforcing the recorded plan, and prints the brief; plain git pushes the work.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "demo"
worktrees = "{repo}.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
task = "Write a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
after = ["a"]
owns = ["c/**"]'

serve_run "$PLAN"
machine_clone far
FAR="$TEST_DIR/far"

test_case "join sets up the agent's worktree with the hook, and prints the brief"
run as_machine far git -C "$FAR" wave join demo a
expect_rc 0
WT="$TEST_DIR/far.wt/a"
expect_err "joined run 'demo' as agent 'a' in '$WT'"
expect_out "# Brief for agent 'a' (run 'demo', wave 1)"
expect_out "- Worktree: $WT"
expect_eq "$(git -C "$WT" rev-parse --abbrev-ref HEAD)" "wave/demo/a"
expect_eq "$(git -C "$WT" rev-parse --abbrev-ref '@{upstream}')" "origin/wave/demo/a"
expect_eq "$(git -C "$FAR" rev-parse refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"

test_case "the hook there enforces the recorded plan; plain git push sends owned work"
mkdir -p "$WT/a" "$WT/b"
echo "a's work" >"$WT/a/work.txt"
echo "not mine" >"$WT/b/x.txt"
git -C "$WT" add -A
run as_machine far git -C "$WT" commit -q -m "a: work and a stray"
expect_rc 1
expect_err "agent 'a' of run 'demo' may not commit this path"
git -C "$WT" restore --staged b/x.txt && rm -rf "$WT/b"
run as_machine far git -C "$WT" commit -q -m "a: work"
expect_rc 0
run as_machine far git -C "$WT" push -q
expect_rc 0
expect_eq "$(git -C "$SERVER" rev-parse wave/demo/a)" "$(git -C "$WT" rev-parse HEAD)"

test_case "join again: the same worktree, brought up to the remote's branch"
other="$TEST_DIR/other"
machine_clone other
as_machine other git -C "$other" wave join demo a >/dev/null 2>&1
echo "more" >>"$TEST_DIR/other.wt/a/a/work.txt"
git -C "$TEST_DIR/other.wt/a" commit -q -am "a: more, from another machine"
as_machine other git -C "$TEST_DIR/other.wt/a" push -q
run as_machine far git -C "$FAR" wave join demo a
expect_rc 0
expect_err "in '$WT'"
expect_eq "$(git -C "$WT" rev-parse HEAD)" "$(git -C "$SERVER" rev-parse wave/demo/a)"
expect_out "## Work already done in this worktree"

test_case "join refuses what it cannot do, and says why"
run as_machine far git -C "$FAR" wave join ghost a
expect_rc 128
expect_err "'origin' has no run 'ghost'"
run as_machine far git -C "$FAR" wave join demo c
expect_rc 128
expect_err "'origin' has no branch 'wave/demo/c': agent 'c' is not started in run 'demo' there"
run as_machine far git -C "$FAR" wave join --remote upstream demo a
expect_rc 128
expect_err "there is no remote 'upstream'"
expect_err "hint: name one with --remote: origin"
run git -C "$SERVER" wave join demo a
expect_rc 128
expect_err "'git wave join' needs a working tree"
