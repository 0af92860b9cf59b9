#!/usr/bin/env bash
# Attack: a merge that keeps the agent's own tree ("git merge -s ours")
# moves the merge base of the candidate's 3-way merge forward, and the
# candidate then reverts what that newer commit changed.
# - Agent 'a' merges the integration branch with -s ours after the lead
#   committed a security fix to b's file there: the merge changes nothing
#   against its first parent, the net change from a's base changes nothing
#   of b's, the commits of main are hidden from the gate's walk, so the
#   audit passes; but the candidate is merge(main, tip) with merge base main,
#   so the fix is reverted on main by `git wave merge`.
# - Agent 'a' (after 'b' in plan order) merges b's branch with -s ours: b's
#   commits are in a's walk, but "restored to its content at the base"
#   accepts them; the candidate's merge base for a is then b's tip, and b's
#   work is erased from the candidate.
# The 3-way merge needs base != onto, or a branch nesting its own changes
# (a file replaced by a folder): then candidate.cpp merges with
# git_merge_commits. `git wave audit` (take_restored) says pass for both.
# No merge is needed either: a's branch rebased onto main, then b's file
# committed back as at a's base, is "restored" for the pre-commit hook,
# the gate and the merge's rebuild, and the candidate's merge base is main.
# Now what a branch lands is measured from every base a merge may take
# (gate::landing_bases: the recorded base, and where the tip meets the
# integration tip and the other tips), and a path counts as restored only
# when it is the same at all of them: each case fails closed.
# On a forge (no hook, CI runs `git wave audit --remote`), the lead's fix
# pushed to main mid-wave is reverted on the server the same way: the
# audit, which does not hide main, sees the fix's commit in a's walk but
# accepts it as "restored to its content at the base". The server's hook
# refuses both pushes (no take_restored there, and main moves only by a
# wave's merge while the run is open).
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "sec"
worktrees = "../lead.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "a"
owns = ["a/**"]'

setup_repo() {
  REPO="$TEST_DIR/$1/lead"
  git init -q "$REPO"
  mkdir -p "$REPO/b"
  echo "insecure" >"$REPO/b/auth.c"
  printf '%s\n' "$PLAN" >"$REPO/wave.toml"
  echo "exit 0" >"$REPO/gate.sh"
  git -C "$REPO" add -A && git -C "$REPO" commit -q -m "plan"
}

test_case "an -s ours merge of the integration branch does not revert the lead's fix on main"
setup_repo main
start_wave
# The lead fixes b's file on main while the wave runs.
echo "fixed" >"$REPO/b/auth.c"
git -C "$REPO" commit -q -am "lead: security fix"
work a a/work.txt "a's work"
git -C "$(wt a)" merge -q -s ours --no-edit main
run git -C "$REPO" wave audit wave/sec/a
audit_rc=$RC
run git -C "$REPO" wave gate
gate_rc=$RC
run git -C "$REPO" wave merge
expect_eq "$(git -C "$REPO" show main:b/auth.c)" "fixed" "the lead's fix was reverted on main (audit rc $audit_rc, gate rc $gate_rc)"
[ "$gate_rc" -ne 0 ] || fail "the gate passed a branch whose candidate reverts b/auth.c"
[ "$audit_rc" -ne 0 ] || fail "git wave audit passed a branch whose merge reverts b/auth.c"

test_case "no merge at all: a rebased onto main, then b's file put back as at a's base, is not accepted"
setup_repo rebase
start_wave
echo "fixed" >"$REPO/b/auth.c"
git -C "$REPO" commit -q -am "lead: security fix"
work a a/work.txt "a's work"
git -C "$(wt a)" rebase -q main
# Even the pre-commit hook says "returns to its content at the wave's base: accepted".
work a b/auth.c "insecure"
run git -C "$REPO" wave gate
gate_rc=$RC
run git -C "$REPO" wave merge
expect_eq "$(git -C "$REPO" show main:b/auth.c)" "fixed" "the lead's fix was reverted on main (gate rc $gate_rc)"

test_case "an -s ours merge of another agent's branch does not erase its work from the candidate"
setup_repo two-agents
mkdir -p "$REPO/a" && echo "a file" >"$REPO/a/x"
git -C "$REPO" add -A && git -C "$REPO" commit -q -m "a/x"
start_wave
work b b/auth.c "fixed by b"
# a replaces its file a/x by a folder: the candidate takes a's branch by a
# 3-way merge (git_tree_create_updated cannot), not by its net change.
git -C "$(wt a)" rm -q a/x
work a a/x/work.txt "a's work"
git -C "$(wt a)" merge -q -s ours --no-edit wave/sec/b
main_before=$(git -C "$REPO" rev-parse main)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "'b/auth.c' is owned by 'b'"
run git -C "$REPO" wave merge
expect_rc 1
expect_eq "$(git -C "$REPO" rev-parse main)" "$main_before" "main moved"

test_case "on a forge (no hook; CI runs git wave audit --remote): the same merge does not revert main"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
git init -q --bare "$SERVER"
setup_repo forge
LEAD=$REPO
printf '%s\n' 'remote = "origin"' | cat - "$LEAD/wave.toml" >"$LEAD/wave.tmp" && mv "$LEAD/wave.tmp" "$LEAD/wave.toml"
git -C "$LEAD" commit -q -am "plan kept on origin"
git -C "$LEAD" remote add origin "file://$SERVER"
git -C "$LEAD" push -q origin main
start_wave
# The lead fixes b's file on main (the forge lets leads push it).
echo "fixed" >"$LEAD/b/auth.c"
git -C "$LEAD" commit -q -am "lead: security fix"
git -C "$LEAD" push -q origin main
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" checkout -q wave/sec/a
mkdir -p "$AGENT/a" && echo "a's work" >"$AGENT/a/work.txt"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "a: work"
git -C "$AGENT" merge -q -s ours --no-edit origin/main
git -C "$AGENT" push -q origin wave/sec/a
run git -C "$LEAD" wave audit --remote origin wave/sec/a
audit_rc=$RC
run git -C "$LEAD" wave gate
gate_rc=$RC
run git -C "$LEAD" wave merge
expect_eq "$(git -C "$SERVER" show main:b/auth.c)" "fixed" \
  "the fix was reverted on the server's main (audit rc $audit_rc, gate rc $gate_rc)"
[ "$audit_rc" -ne 0 ] || fail "git wave audit --remote passed a branch whose merge reverts b/auth.c"
