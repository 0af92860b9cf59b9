# The real agent CLIs (tests/tools/npm-agents.sh) and the scripted model
# server (tests/tools/model_server.py) for the preset tests (t073x): source
# after lib.sh. Without the CLIs (no npm, offline) the test is skipped with
# the reason, unless WAVE_REQUIRE_TOOLS=1 (as .ci/run sets): then it fails.

agents_bin=""
if agents_bin=$(bash "$SOURCE_DIR/tests/tools/npm-agents.sh" "$GIT_WAVE_BUILD_DIR/npm-agents" 2>"$TEST_DIR/npm.err"); then
  export PATH="$agents_bin:$PATH"
elif [ "${WAVE_REQUIRE_TOOLS:-0}" = 1 ]; then
  echo "the agent CLIs from npm are required (WAVE_REQUIRE_TOOLS=1): $(cat "$TEST_DIR/npm.err")" >&2
  exit 1
else
  echo "# skip: the agent CLIs from npm: $(cat "$TEST_DIR/npm.err")"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is required for the model server" >&2; exit 1; }

# No agent CLI may see the developer's accounts, settings or telemetry.
unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN OPENAI_API_KEY GEMINI_API_KEY GOOGLE_API_KEY CLAUDE_CONFIG_DIR CODEX_HOME
export DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
export GEMINI_TELEMETRY_ENABLED=false NO_BROWSER=1

MODEL_PID=""
stop_model() { [ -z "$MODEL_PID" ] || kill "$MODEL_PID" 2>/dev/null || true; MODEL_PID=""; }
trap 'rc=$?; stop_model; (exit "$rc"); finish' EXIT

# model_server SCRIPT: starts the scripted model server answering from the
# JSON file SCRIPT; sets MODEL_URL and MODEL_LOG (the requests it got).
model_server() {
  stop_model
  MODEL_LOG="$TEST_DIR/model.requests.jsonl"
  rm -f "$TEST_DIR/model.port" "$MODEL_LOG"
  python3 "$SOURCE_DIR/tests/tools/model_server.py" "$1" "$TEST_DIR/model.port" "$MODEL_LOG" \
    2>"$TEST_DIR/model.err" &
  MODEL_PID=$!
  wait_for "the model server's port (its stderr: $TEST_DIR/model.err)" '[ -s "$TEST_DIR/model.port" ]'
  MODEL_URL="http://127.0.0.1:$(cat "$TEST_DIR/model.port")"
}

# model_saw TEXT: some request to the model server carried TEXT (a tool
# result the agent CLI sent back, say).
model_saw() {
  grep -qF -- "$1" "$MODEL_LOG" || fail "the model never saw '$1'; its requests are in $MODEL_LOG"
}

# preset_plan PRESET: a run of two agents in one wave: 'a' by PRESET, 'b'
# a script (its own launch overrides the preset); the gate runs check.sh,
# the verify command the brief gives.
preset_plan() {
  cat <<TOML
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["sh check.sh"]
[run]
agent = "$1"
timeout = "5m"
retries = 0
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
launch = "mkdir -p b && echo 'work of b' >b/work.txt"
TOML
}

# preset_repo PRESET: $REPO with preset_plan PRESET and check.sh.
preset_repo() {
  REPO="$TEST_DIR/repo"
  new_repo "$REPO"
  preset_plan "$1" >"$REPO/wave.toml"
  printf '%s\n' 'echo "check: ok"' >"$REPO/check.sh"
  git -C "$REPO" add wave.toml check.sh
  git -C "$REPO" commit -q -m "plan"
}
