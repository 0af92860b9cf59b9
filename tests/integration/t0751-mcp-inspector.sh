#!/usr/bin/env bash
# Conformance of git wave mcp with the real MCP inspector's CLI (from npm,
# pinned by tests/tools/npm-mcp.sh): its tools listed (and their schemas
# checked with --strict), every tool called on a scratch repository, the
# resources listed and read. Each call is a session of its own: initialize,
# the call, the end of input. Without npm (offline) the test is skipped,
# unless WAVE_REQUIRE_TOOLS=1 (as .ci/run sets): then it fails.
. "$(dirname "$0")/lib.sh"

if bin=$(bash "$SOURCE_DIR/tests/tools/npm-mcp.sh" "$GIT_WAVE_BUILD_DIR/npm-mcp" 2>"$TEST_DIR/npm.err"); then
  INSPECTOR=$bin/mcp-inspector
elif [ "${WAVE_REQUIRE_TOOLS:-0}" = 1 ]; then
  fail "the MCP inspector from npm is required (WAVE_REQUIRE_TOOLS=1): $(cat "$TEST_DIR/npm.err")"
else
  echo "# skip: the MCP inspector from npm: $(cat "$TEST_DIR/npm.err")"
  exit 0
fi
command -v python3 >/dev/null || fail "python3 is needed (.ci/setup installs it)"
# No keychain here: its secrets (none) in memory, without asking.
export MCP_INSPECTOR_SECRET_STORE=memory

REPO=$TEST_DIR/repo
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["test -e a/work.txt"]
[run]
timeout = "5m"
retries = 0
[[agent]]
name = "a"
task = "Write a's work"
owns = ["a/**"]
[[agent]]
name = "c"
task = "Write c's work"
after = ["a"]
owns = ["c/**"]
launch = "mkdir -p c && echo 'work of c' >c/work.txt && echo 'c says hi'"
TOML
git -C "$REPO" add wave.toml
git -C "$REPO" commit -q -m "plan"
printf '%s\n' '{"mcpServers": {"wave": {"command": "git", "args": ["wave", "mcp"]}}}' >"$TEST_DIR/mcp.json"

# inspect ARGS...: the inspector's CLI, in the repository, on git wave mcp.
inspect() {
  cd "$REPO"
  run "$INSPECTOR" --cli --config "$TEST_DIR/mcp.json" --server wave "$@"
  cd "$TEST_DIR"
}

# field EXPR: a Python expression on the JSON printed (`d`).
field() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$TEST_DIR/out" ||
    fail "cannot read $1 from: $(cat "$TEST_DIR/out")"
}

# call TOOL [ARG=VALUE...]: tools/call through the inspector; a tool error
# exits non-zero.
call() {
  local tool=$1
  shift
  local args=()
  [ $# -eq 0 ] || args=(--tool-arg "$@")
  inspect --method tools/call --tool-name "$tool" "${args[@]}"
}

test_case "the inspector lists the tools, their schemas portable (--strict)"
inspect --method tools/list --strict
expect_rc 0
expect_eq "$(field '" ".join(t["name"] for t in d["tools"])')" \
  "plan owner status brief start gate merge abort repair run report logs"
expect_eq "$(field 'all(t["inputSchema"]["type"] == "object" and t["description"] for t in d["tools"])')" True

test_case "plan, owner and brief before a run"
call plan
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["valid"]')" True
call owner 'paths=["a/x.txt","c/y"]'
expect_rc 0
expect_eq "$(field '[p["owners"] for p in d["structuredContent"]["paths"]]')" "[['a'], ['c']]"
call brief agent=a plan=wave.toml
expect_rc 0
expect_out "Write a's work"

test_case "start, status, gate, merge a wave"
call start
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["run"]')" demo
mkdir -p "$TEST_DIR/wt/a/a"
echo "work of a" >"$TEST_DIR/wt/a/a/work.txt"
git -C "$TEST_DIR/wt/a" add -A
git -C "$TEST_DIR/wt/a" commit -q -m "a: work"
call status
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["run"]')" demo
call gate bisect=0
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["result"]')" pass
call merge
expect_rc 0
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a"

test_case "repair and abort a wave; a tool error carries the message and hint"
call start
expect_rc 0
mkdir -p "$TEST_DIR/wt/c/c" "$TEST_DIR/wt/c/a"
echo "work of c" >"$TEST_DIR/wt/c/c/work.txt"
echo "not c's" >"$TEST_DIR/wt/c/a/stolen.txt"
git -C "$TEST_DIR/wt/c" add -A
git -C "$TEST_DIR/wt/c" commit -q --no-verify -m "c: work"
call repair agent=c
expect_rc 0
git -C "$REPO" cat-file -e wave/demo/c:a/stolen.txt 2>/dev/null && fail "repair kept a/stolen.txt"
call abort
expect_rc 0
call logs agent=c
[ "$RC" -ne 0 ] || fail "logs of an agent never launched succeeded"
expect_out '"isError": true'
expect_out "error: 'git wave run' has launched no attempt of 'c' in run 'demo'"
expect_out "hint: 'git wave run' launches agents"

test_case "run (waiting for its end), logs, report"
call run one_wave=true wait=true
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["exit_code"]')" 0
expect_eq "$(field '"merged" in [e["event"] for e in d["structuredContent"]["events"]]')" True
expect_eq "$(git -C "$REPO" show main:c/work.txt)" "work of c"
call logs agent=c
expect_rc 0
expect_out "c says hi"
call report
expect_rc 0
expect_eq "$(field 'd["structuredContent"]["run"]')" demo

test_case "resources listed and read"
inspect --method resources/list
expect_rc 0
expect_eq "$(field '" ".join(r["uri"] for r in d["resources"])')" \
  "git-wave://plan git-wave://status git-wave://report git-wave://report.svg git-wave://logs/a git-wave://logs/c"
inspect --method resources/read --uri git-wave://report.svg
expect_rc 0
expect_out "<svg"
inspect --method resources/read --uri git-wave://logs/c
expect_rc 0
expect_out "c says hi"
inspect --method logging/setLevel --log-level debug
expect_rc 0
