#!/usr/bin/env bash
# The claude-code preset drives the real Claude Code CLI (from npm) through
# `git wave run`, against the scripted model server: the model writes its
# own file, tries another agent's (denied as it edits, the reason reaching
# the model), runs the verify command, commits; the run gates and merges.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/agents_lib.sh"

cat >"$TEST_DIR/script.json" <<'JSON'
{"turns": [
  {"tool": "Write", "input": {"file_path": "a/work.txt", "content": "work of a\n"}},
  {"tool": "Write", "input": {"file_path": "b/stolen.txt", "content": "not mine\n"}},
  {"tool": "Bash", "input": {"command": "sh check.sh", "description": "verify"}},
  {"tool": "Bash", "input": {"command": "git add -A && git commit -q -m 'a: its work'", "description": "commit"}},
  {"text": "done: a/work.txt written and committed"}
]}
JSON
model_server "$TEST_DIR/script.json"
export ANTHROPIC_BASE_URL="$MODEL_URL" ANTHROPIC_API_KEY=scripted-model-key

test_case "run --dry-run prints the preset's command and settings file"
preset_repo claude-code
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "would launch a (wave 1): claude -p --output-format stream-json --verbose"
expect_out "writes '.claude/settings.local.json' in its worktree:"
expect_out '"Bash(sh check.sh)"'
expect_out "hook edit"
expect_out "excludes /.claude/settings.local.json"
expect_out "would launch b (wave 1): mkdir -p b"

test_case "the real Claude Code writes, is denied another agent's file, verifies, commits; the run merges"
start=$(date +%s.%N)
run git -C "$REPO" wave run
end=$(date +%s.%N)
echo "# claude-code: git wave run took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
expect_rc 0
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b"
git -C "$REPO" cat-file -e main:b/stolen.txt 2>/dev/null && fail "b/stolen.txt landed"
# Denied at the edit: the file was never written, and the model was told
# whose it is and what to do instead.
[ ! -e "$TEST_DIR/wt/a/b/stolen.txt" ] || fail "the denied write happened"
model_saw "may not write 'b/stolen.txt' (owned by b)"
model_saw "Leave this file to its owner"
model_saw "check: ok"
# The agent's own commit, with its message, is what merged.
git -C "$REPO" log --format=%s main | grep -x "a: its work" >/dev/null || fail "a's own commit is not on main"
# Its settings file (which held the hook that denied) is excluded, not
# counted as its change.
grep -qx "/.claude/settings.local.json" "$REPO/.git/info/exclude" || fail "settings file not excluded"

test_case "the attempt's usage is read from the agent's output: recorded, shown in events and status"
expect_out "a#1 exited: done: proven done ("
run git -C "$REPO" wave status --json
expect_rc 0
usage=$(python3 -c 'import json,sys; print(json.dumps([a["usage"] for a in json.load(sys.stdin)["agents"] if a["name"] == "a"][0]))' <"$TEST_DIR/out")
echo "# usage recorded: $usage"
python3 -c 'import json,sys; u=json.loads(sys.argv[1]); sys.exit(0 if u["input_tokens"] > 0 and u["output_tokens"] > 0 and u["turns"] >= 2 else 1)' "$usage" ||
  fail "no tokens or turns recorded: $usage"
state_usage=$(git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print(json.dumps([a.get("usage") for w in json.load(sys.stdin)["waves"] for a in w["attempts"] if a["agent"] == "a"]))')
expect_eq "$state_usage" "[$usage]" "the run state's record of a's attempt"
python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["cost_usd"] > 0 else 1)' "$usage" || fail "no cost recorded: $usage"
run git -C "$REPO" wave status
expect_out "spent in this wave, as the agent CLIs report it:"
expect_out "  a: \$0."

test_case "report shows what the agents spent, per agent and for the run"
run git -C "$REPO" wave report --json
expect_rc 0
spent=$(python3 -c 'import json,sys; d=json.load(sys.stdin); a=[a for w in d["waves"] for a in w["agents"] if a["name"] == "a"][0]; print(json.dumps([d["spent"] == a["spent"] == a["attempts"][-1]["spent"], a["spent"]]))' <"$TEST_DIR/out")
expect_eq "$spent" "[true, $usage]" "report's spent against the state's usage"
run git -C "$REPO" wave report
expect_rc 0
expect_out "spent     \$0."
