#!/usr/bin/env bash
# A budget stops a run: with the real Claude Code (its cost is what it
# reports), [run] budget_usd below what one attempt costs. Claude Code gets
# the budget as --max-budget-usd; whatever its attempt becomes, the next
# launch (a retry, or the next wave's agent) is refused with a budget event
# and the run stops, blocked.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/agents_lib.sh"

cat >"$TEST_DIR/script.json" <<'JSON'
{"turns": [
  {"tool": "Write", "input": {"file_path": "a/work.txt", "content": "work of a\n"}},
  {"tool": "Bash", "input": {"command": "sh check.sh", "description": "verify"}},
  {"tool": "Bash", "input": {"command": "sh check.sh", "description": "verify again"}},
  {"text": "done"}
]}
JSON
model_server "$TEST_DIR/script.json"
export ANTHROPIC_BASE_URL="$MODEL_URL" ANTHROPIC_API_KEY=scripted-model-key

REPO="$TEST_DIR/repo"
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["sh check.sh"]
[run]
agent = "claude-code"
budget_usd = 0.001
retries = 1
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "c"
after = ["a"]
owns = ["c/**"]
TOML
printf '%s\n' 'echo "check: ok"' >"$REPO/check.sh"
git -C "$REPO" add wave.toml check.sh
git -C "$REPO" commit -q -m "plan"

test_case "plan: budget_usd must be a positive number"
sed 's/budget_usd = 0.001/budget_usd = -1/' "$REPO/wave.toml" >"$TEST_DIR/bad.toml"
run git -C "$REPO" wave plan --plan "$TEST_DIR/bad.toml"
expect_rc 128
expect_err "'budget_usd' must be a number of dollars more than 0"

test_case "the claude-code preset passes the budget to Claude Code"
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "claude -p --output-format stream-json --verbose --max-budget-usd 0.001"

test_case "a spent budget stops the run: no more launches, a budget event, blocked"
run git -C "$REPO" wave run --json
expect_rc 1
expect_out '"event":"budget"'
expect_out "the run's budget is spent: \$0.0"
expect_out "of \$0.001"
attempts=$(git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print(sum(len(w["attempts"]) for w in json.load(sys.stdin)["waves"]))')
expect_eq "$attempts" "1" "attempts launched"
