#!/usr/bin/env bash
# The codex preset drives the real Codex CLI (from npm) through `git wave
# run`, against the scripted model server (a model provider whose base_url
# it is, in the test's CODEX_HOME): the model writes its own file, tries to
# write into another agent's worktree (denied by Codex's sandbox as it
# writes: the error reaches the model), runs the verify command, and tries
# to commit, which the sandbox refuses (the worktree's git directory is
# read-only to it): `run` commits its work after the ownership check; the
# run gates and merges.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/agents_lib.sh"

cat >"$TEST_DIR/script.json" <<'JSON'
{"turns": [
  {"tool": "exec_command", "input": {"cmd": "mkdir -p a && echo 'work of a' >a/work.txt"}},
  {"tool": "exec_command", "input": {"cmd": "echo 'not mine' >../b/stolen.txt"}},
  {"tool": "exec_command", "input": {"cmd": "sh check.sh"}},
  {"tool": "exec_command", "input": {"cmd": "git add -A && git commit -q -m 'a: its work'"}},
  {"text": "done: a/work.txt written; the commit is left to git wave run"}
]}
JSON
model_server "$TEST_DIR/script.json"
export CODEX_HOME="$HOME/.codex" SCRIPTED_MODEL_KEY=scripted-model-key
mkdir -p "$CODEX_HOME"
cat >"$CODEX_HOME/config.toml" <<TOML
model = "scripted"
model_provider = "scripted"
[model_providers.scripted]
name = "scripted"
base_url = "$MODEL_URL/v1"
env_key = "SCRIPTED_MODEL_KEY"
wire_api = "responses"
TOML

test_case "run --dry-run prints the preset's command"
preset_repo codex
run git -C "$REPO" wave run --dry-run
expect_rc 0
expect_out "would launch a (wave 1): mkdir -p .codex-tmp && TMPDIR=\"\$PWD/.codex-tmp\" codex exec --sandbox workspace-write -c sandbox_workspace_write.exclude_slash_tmp=true"
expect_out "excludes /.codex-tmp/"
expect_out "preset codex"

test_case "the real Codex writes, is denied outside its worktree, verifies; run commits and merges"
start=$(date +%s.%N)
run git -C "$REPO" wave run
end=$(date +%s.%N)
echo "# codex: git wave run took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
expect_rc 0
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b"
git -C "$REPO" cat-file -e main:stolen.txt 2>/dev/null && fail "stolen.txt landed"
[ ! -e "$TEST_DIR/wt/b/stolen.txt" ] || fail "a wrote into b's worktree"
# The sandbox denied the write outside the worktree as it happened, and
# the agent's commit: both reached the model.
model_saw "stolen.txt: Read-only file system"
model_saw "index.lock': Read-only file system"
model_saw "check: ok"
expect_out "a committed: 1 file"

test_case "the attempt's usage is read from the agent's output: recorded, shown in events and status"
expect_out "a#1 exited: done: proven done ("
run git -C "$REPO" wave status --json
expect_rc 0
usage=$(python3 -c 'import json,sys; print(json.dumps([a["usage"] for a in json.load(sys.stdin)["agents"] if a["name"] == "a"][0]))' <"$TEST_DIR/out")
echo "# usage recorded: $usage"
python3 -c 'import json,sys; u=json.loads(sys.argv[1]); sys.exit(0 if u["input_tokens"] > 0 and u["output_tokens"] > 0 and u["turns"] >= 2 else 1)' "$usage" ||
  fail "no tokens or turns recorded: $usage"
# Every model request is a turn, the ones whose command the sandbox refused
# (in no event of Codex's --json output) too: its session file counts them.
turns=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["turns"])' "$usage")
expect_eq "$turns" "$(grep -c '"path": "/v1/responses"' "$MODEL_LOG")" "turns recorded against the model's requests"
state_usage=$(git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print(json.dumps([a.get("usage") for w in json.load(sys.stdin)["waves"] for a in w["attempts"] if a["agent"] == "a"]))')
expect_eq "$state_usage" "[$usage]" "the run state's record of a's attempt"
