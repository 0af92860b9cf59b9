# Scripted agents for the git wave run tests (t07xx): source after lib.sh
# and gate_lib.sh. $AGENT is an agent script that keeps its brief, says who
# and where it is, then acts as $TEST_DIR/behave/<agent>.<attempt> says (by
# default: writes <agent>/work.txt), noting its start and end in
# $TEST_DIR/timeline.

AGENT="$TEST_DIR/agent.sh"
cat >"$AGENT" <<'SH'
#!/bin/sh
cat >"$GIT_WAVE_BRIEF.seen"
echo "agent $GIT_WAVE_AGENT, attempt $GIT_WAVE_ATTEMPT, wave $GIT_WAVE_WAVE of $GIT_WAVE_RUN"
if [ -t 1 ]; then echo "$GIT_WAVE_AGENT on a terminal"; else echo "$GIT_WAVE_AGENT not on a terminal"; fi
echo "$GIT_WAVE_AGENT $GIT_WAVE_ATTEMPT start $(date +%s.%N)" >>"$WAVE_TEST_DIR/timeline"
how="$WAVE_TEST_DIR/behave/$GIT_WAVE_AGENT.$GIT_WAVE_ATTEMPT"
[ -f "$how" ] && . "$how"
mkdir -p "$GIT_WAVE_AGENT"
echo "work of $GIT_WAVE_AGENT, attempt $GIT_WAVE_ATTEMPT" >"$GIT_WAVE_AGENT/work.txt"
echo "$GIT_WAVE_AGENT $GIT_WAVE_ATTEMPT end $(date +%s.%N)" >>"$WAVE_TEST_DIR/timeline"
SH
export WAVE_TEST_DIR="$TEST_DIR"
mkdir -p "$TEST_DIR/behave"

# behave AGENT ATTEMPT SCRIPT: what the agent does on that attempt, before
# (or instead of) its usual work.
behave() { printf '%s\n' "$3" >"$TEST_DIR/behave/$1.$2"; }

# fresh NAME PLAN [GATE]: a new run repository; no behaviour left from before.
fresh() {
  rm -f "$TEST_DIR"/behave/* "$TEST_DIR/timeline"
  KEEP_PLAN=1 make_repo "$@"
}

# kill_run_when OUT SIGNAL READY [ARGS...]: runs `git wave run --one-wave
# ARGS` in $REPO in the background, output to OUT, and sends it SIGNAL once
# the shell test READY holds (the agent itself at work: "launched" is
# printed just before the fork).
kill_run_when() {
  local out=$1 sig=$2 ready=$3 runner
  shift 3
  (cd "$REPO" && exec git-wave run --one-wave "$@" >"$out" 2>&1) &
  runner=$!
  wait_for "git wave run to be ready (its output: $out)" "$ready"
  kill "-$sig" "$runner"
  wait "$runner" 2>/dev/null || true
}
a_started='grep -q "^a 1 start" "$TEST_DIR/timeline"'

# three_waves NAME [RETRIES] [RUN SETTINGS] [TOP-LEVEL SETTINGS]: a plan
# launching $AGENT: a and b in wave 1, c after a, d after c.
three_waves() {
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
${4:-}
[gate]
commands = ["sh gate.sh"]
[run]
launch = "sh $AGENT"
retries = ${2:-1}
${3:-}
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
after = ["a"]
owns = ["c/**"]
[[agent]]
name = "d"
after = ["c"]
owns = ["d/**"]
TOML
}

# state_field EXPR: EXPR of the run state `s` of run demo in $REPO, printed by python.
state_field() { git -C "$REPO" show refs/wave/demo/state:state.json | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"; }
