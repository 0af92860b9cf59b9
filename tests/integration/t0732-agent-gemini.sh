#!/usr/bin/env bash
# The gemini preset drives the real Gemini CLI (from npm) through `git wave
# run`, against the scripted model server (GOOGLE_GEMINI_BASE_URL): the
# model writes its own file, tries another agent's (denied as it edits by
# the BeforeTool hook, the reason reaching the model), runs the verify
# command, commits; the run gates and merges.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/agents_lib.sh"

cat >"$TEST_DIR/script.json" <<'JSON'
{"turns": [
  {"tool": "write_file", "input": {"file_path": "a/work.txt", "content": "work of a\n"}},
  {"tool": "write_file", "input": {"file_path": "b/stolen.txt", "content": "not mine\n"}},
  {"tool": "run_shell_command", "input": {"command": "sh check.sh", "description": "verify"}},
  {"tool": "run_shell_command", "input": {"command": "git add -A && git commit -q -m 'a: its work'", "description": "commit"}},
  {"text": "done: a/work.txt written and committed"}
]}
JSON
model_server "$TEST_DIR/script.json"
export GOOGLE_GEMINI_BASE_URL="$MODEL_URL" GEMINI_API_KEY=scripted-model-key
# The user's own settings, as a user with an API key has them: with
# GOOGLE_GEMINI_BASE_URL alone Gemini CLI 0.61 picks its "gateway" auth,
# which its non-interactive mode then refuses ("Invalid auth method").
mkdir -p "$HOME/.gemini"
printf '%s\n' '{"security": {"auth": {"selectedType": "gemini-api-key"}}}' >"$HOME/.gemini/settings.json"

test_case "run --dry-run prints the preset's command and settings file"
preset_repo gemini
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "would launch a (wave 1): GEMINI_CLI_TRUST_WORKSPACE=true gemini --approval-mode=yolo --output-format stream-json"
expect_out "writes '.gemini/settings.json' in its worktree:"
expect_out '"BeforeTool"'
expect_out "excludes /.gemini/settings.json"

test_case "the real Gemini CLI writes, is denied another agent's file, verifies, commits; the run merges"
start=$(date +%s.%N)
run git -C "$REPO" wave run
end=$(date +%s.%N)
echo "# gemini: git wave run took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
expect_rc 0
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b"
git -C "$REPO" cat-file -e main:b/stolen.txt 2>/dev/null && fail "b/stolen.txt landed"
[ ! -e "$TEST_DIR/wt/a/b/stolen.txt" ] || fail "the denied write happened"
model_saw "may not write 'b/stolen.txt' (owned by b)"
model_saw "check: ok"
git -C "$REPO" log --format=%s main | grep -x "a: its work" >/dev/null || fail "a's own commit is not on main"
grep -qx "/.gemini/settings.json" "$REPO/.git/info/exclude" || fail "settings file not excluded"

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
