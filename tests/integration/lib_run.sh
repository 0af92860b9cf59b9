# Helpers for the tests of runs: source after lib.sh (and gate_lib.sh for
# the helpers of `git wave run`, which make their repositories with it).
#
# The tests of start, hook, status and prompt (t03xx) build runs by hand
# with the helpers of the first part; the tests of `git wave run` (t07xx)
# drive scripted agents with those of the second.

# two_wave_repo DIR: a repository on main with a committed two-wave plan:
# wave 1 = alpha (src/a/**) and beta (src/b/**, docs/b.md), wave 2 = gamma
# (after alpha, src/a/**); wave.toml and .github/** are protected. Agents
# may finish with no change (the tests gate waves where some do nothing).
two_wave_repo() {
  new_repo "$1"
  mkdir -p "$1/src/a" "$1/src/b" "$1/src/c" "$1/docs"
  echo "a" >"$1/src/a/one.c"
  echo "b" >"$1/src/b/two.c"
  echo "c" >"$1/src/c/three.c"
  echo "doc" >"$1/docs/b.md"
  cat >"$1/wave.toml" <<'TOML'
name = "demo"
protected = ["wave.toml", ".github/**"]
allow_empty = true

[gate]
commands = ["make test"]

[[agent]]
name = "alpha"
task = "Teach a to count"
owns = ["src/a/**"]
gate = ["make test-a"]

[[agent]]
name = "beta"
task = "Make b faster"
owns = ["src/b/**", "docs/b.md"]

[[agent]]
name = "gamma"
task = "Build on alpha's counting"
after = ["alpha"]
owns = ["src/a/**"]
TOML
  git -C "$1" add -A
  git -C "$1" commit -q -m "plan and sources"
}

# state_json REPO [RUN]: the run's state.json.
state_json() { git -C "$1" show "refs/wave/${2:-demo}/state:state.json"; }

# set_wave_status REPO LABEL STATUS [RUN]: writes a new state commit with the
# wave's status changed, the way the merge command records a merge (the
# state is JSON with one "label" line per wave followed by its status).
set_wave_status() {
  local repo=$1 label=$2 status=$3 run=${4:-demo}
  local ref="refs/wave/$run/state"
  git -C "$repo" show "$ref:state.json" | awk -v label="$label" -v status="$status" '
    /"label": / { current = ($0 ~ "\"label\": \"" label "\"") }
    current && /"status": / && !done { sub(/"status": "[a-z]+"/, "\"status\": \"" status "\""); done = 1 }
    { print }' >"$TEST_DIR/state.json"
  write_state "$repo" "$TEST_DIR/state.json" "$status wave $label"
}

# footprint REPO: everything start may create -- refs, worktrees, hooks,
# logs -- for "nothing was changed" checks.
footprint() {
  {
    git -C "$1" for-each-ref --format='%(refname) %(objectname)'
    git -C "$1" worktree list --porcelain
    ls -a "$(git -C "$1" rev-parse --git-common-dir)"
    ls -a "$(git -C "$1" rev-parse --git-common-dir)/hooks"
    ls -a "$(dirname "$1")"
  } 2>&1
}

# staged REPO: the staged state, to check that a rejected commit left it as it was.
staged() { git -C "$1" ls-files --stage; git -C "$1" diff --cached --name-status; }

# --- scripted agents for the tests of git wave run (t07xx) ---------------
#
# $AGENT is an agent script that keeps its brief, says who and where it is,
# then acts as $TEST_DIR/behave/<agent>.<attempt> says (by default: writes
# <agent>/work.txt), noting its start and end in $TEST_DIR/timeline.

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
