#!/usr/bin/env bash
# git wave start installs each agent's preset files in its worktree, as run
# does: an agent launched there by hand is held to its ownership as it
# edits. The files are git-wave's (.claude/settings.local.json,
# .gemini/settings.json), kept out of the ownership check by the
# repository's exclude file; the user's own agent settings (~/.claude,
# ~/.gemini, the project's committed .claude/settings.json) are untouched.
# No agent CLI needed.
. "$(dirname "$0")/lib.sh"

REPO="$TEST_DIR/repo"
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[run]
agent = "claude-code"
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "g"
owns = ["g/**"]
agent = "gemini"
[[agent]]
name = "x"
owns = ["x/**"]
launch = "sh x.sh"
TOML
mkdir -p "$REPO/.claude"
echo '{"permissions": {"allow": ["Bash(make:*)"]}}' >"$REPO/.claude/settings.json"
git -C "$REPO" add wave.toml .claude/settings.json
git -C "$REPO" commit -q -m "plan"
mkdir -p "$HOME/.claude" "$HOME/.gemini"
echo '{"theme": "mine"}' >"$HOME/.claude/settings.json"
echo '{"ui": {"theme": "mine"}}' >"$HOME/.gemini/settings.json"
user_before=$(cat "$HOME/.claude/settings.json" "$HOME/.gemini/settings.json" | sha1sum)

test_case "start writes each preset's settings into its agent's worktree, none for a launch command"
run git -C "$REPO" wave start
expect_rc 0
wt=$TEST_DIR/wt
[ -s "$wt/a/.claude/settings.local.json" ] || fail "no Claude Code settings in a's worktree"
[ -s "$wt/g/.gemini/settings.json" ] || fail "no Gemini CLI settings in g's worktree"
[ ! -e "$wt/x/.claude/settings.local.json" ] && [ ! -e "$wt/x/.gemini" ] || fail "x has preset files"
[ ! -e "$wt/a/.gemini" ] || fail "a has Gemini CLI's settings"
grep -qF "hook edit" "$wt/a/.claude/settings.local.json" || fail "a's settings have no edit hook"
grep -qF "hook edit" "$wt/g/.gemini/settings.json" || fail "g's settings have no edit hook"

test_case "the files are excluded: the worktrees are clean, nothing of them is the agents' work"
for agent in a g x; do
  expect_eq "$(git -C "$wt/$agent" status --porcelain)" "" "git status in $agent's worktree"
done
exclude=$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir)/info/exclude
grep -qxF "/.claude/settings.local.json" "$exclude" || fail "info/exclude lacks Claude Code's settings file"
grep -qxF "/.gemini/settings.json" "$exclude" || fail "info/exclude lacks Gemini CLI's settings file"

test_case "the user's own agent settings are untouched"
expect_eq "$(cat "$HOME/.claude/settings.json" "$HOME/.gemini/settings.json" | sha1sum)" "$user_before" "the user's settings"
expect_eq "$(cat "$wt/a/.claude/settings.json")" '{"permissions": {"allow": ["Bash(make:*)"]}}' "the project's settings"

test_case "the installed hook denies, as it edits, a write into another agent's path"
hook=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hooks"]["PreToolUse"][0]["hooks"][0]["command"])' "$wt/a/.claude/settings.local.json")
set +e
(cd "$wt/a" && printf '%s' '{"tool_name":"Write","tool_input":{"file_path":"g/x.txt"}}' | sh -c "$hook" >"$TEST_DIR/out" 2>"$TEST_DIR/err")
RC=$?
set -e
expect_rc 2
expect_err "owned by g"
set +e
(cd "$wt/a" && printf '%s' '{"tool_name":"Write","tool_input":{"file_path":"a/x.txt"}}' | sh -c "$hook" >"$TEST_DIR/out" 2>"$TEST_DIR/err")
RC=$?
set -e
expect_rc 0

