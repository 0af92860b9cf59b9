#!/usr/bin/env bash
# A real Claude Code session (the CLI from npm, pinned by
# tests/tools/npm-agents.sh) as the lead, git wave mcp among its MCP
# servers (--mcp-config), driven by the scripted model server: it checks
# the plan, starts the wave, has the agent's work done, reads the status,
# gates and merges, all through git wave's tools (mcp__wave__*). The tool
# results reach the model; the wave lands on main.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/agents_lib.sh"

REPO=$TEST_DIR/repo
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["test -e a/work.txt"]
[[agent]]
name = "a"
task = "Write a's work"
owns = ["a/**"]
TOML
# The agent's work, done by the lead's one shell command.
cat >"$REPO/work.sh" <<'SH'
cd ../wt/a && mkdir -p a && echo 'work of a' >a/work.txt && git add -A && git commit -q -m 'a: its work' && echo "a committed"
SH
git -C "$REPO" add wave.toml work.sh
git -C "$REPO" commit -q -m "plan"
printf '%s\n' '{"mcpServers": {"wave": {"command": "git", "args": ["wave", "mcp"]}}}' >"$TEST_DIR/mcp.json"

cat >"$TEST_DIR/script.json" <<'JSON'
{"turns": [
  {"tool": "mcp__wave__plan", "input": {}},
  {"tool": "mcp__wave__start", "input": {}},
  {"tool": "Bash", "input": {"command": "sh work.sh", "description": "the agent's work"}},
  {"tool": "mcp__wave__status", "input": {}},
  {"tool": "mcp__wave__gate", "input": {"bisect": 0}},
  {"tool": "mcp__wave__merge", "input": {}},
  {"tool": "mcp__wave__merge", "input": {"wave": "9"}},
  {"text": "wave 1 is merged"}
]}
JSON
model_server "$TEST_DIR/script.json"
export ANTHROPIC_BASE_URL="$MODEL_URL" ANTHROPIC_API_KEY=scripted-model-key

test_case "Claude Code plans, starts, checks status, gates and merges a wave through git wave mcp"
before=$(git -C "$REPO" rev-parse main)
cd "$REPO"
run claude -p --output-format stream-json --verbose --mcp-config "$TEST_DIR/mcp.json" --strict-mcp-config \
  --allowedTools "mcp__wave,Bash(sh work.sh)" \
  <<<"Land wave 1 of the plan with git wave's tools."
cd "$TEST_DIR"
expect_rc 0
expect_out '"result":"wave 1 is merged"'
expect_out '"permission_denials":[]'
# Each tool's result, as git wave's --json has it, reached the model.
model_saw '\"valid\":true'
model_saw '\"current_wave\":\"1\"'
model_saw "a committed"
model_saw '\"result\":\"pass\"'
model_saw "\\\"from\\\":\\\"$before\\\""
# A refused call reached it as the tool's error, with the CLI's message.
model_saw "error: wave '9' of run 'demo' is not started"
model_saw "hint: started waves: 1"
# The wave landed: the agent's commit merged on main, the run's state says so.
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"
git -C "$REPO" log --format=%s main | grep -x "a: its work" >/dev/null || fail "a's commit is not on main"
run git -C "$REPO" wave status --json
expect_rc 0
python3 -c 'import json,sys; w=json.load(sys.stdin)["waves"]; sys.exit(0 if w[0]["status"] == "merged" else 1)' \
  <"$TEST_DIR/out" || fail "the run's state does not say wave 1 merged: $(cat "$TEST_DIR/out")"
