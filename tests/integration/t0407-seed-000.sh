#!/usr/bin/env bash
# Seed 000's seven tasks in four waves, run end to end by scripted agents:
# start, work (some agents leave their work uncommitted for the lead), gate,
# merge, next wave. Every agent's work ends on main, in wave order.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "review-enforcement"
base = "main"
protected = ["wave.toml", "gate.sh"]

[gate]
commands = ["sh gate.sh"]
timeout = "60s"

[[agent]]
name = "config-schema"
task = "Extend config schema"
owns = ["src/config/**", "schema/*.json"]

[[agent]]
name = "event-hooks"
task = "Add event hook system"
after = ["config-schema"]
owns = ["src/hooks/event_hooks.ts", "tests/hooks/**"]
gate = ["grep -q schema src/hooks/event_hooks.ts"]

[[agent]]
name = "review-checking"
task = "Add review checking logic"
after = ["config-schema"]
owns = ["src/review/**"]

[[agent]]
name = "commit-enforcement"
task = "Add commit enforcement"
after = ["config-schema"]
owns = ["src/enforce/**"]

[[agent]]
name = "issue-tool"
task = "Enhance issue creation tool"
after = ["event-hooks"]
owns = ["src/tools/issue.ts"]

[[agent]]
name = "pr-tool"
task = "Add PR creation tool"
after = ["event-hooks", "review-checking", "commit-enforcement"]
owns = ["src/tools/pr.ts"]

[[agent]]
name = "docs"
task = "Update documentation"
after = ["issue-tool", "pr-tool"]
owns = ["docs/**", "README.md"]'

# The build: every "needs:" line of a tracked file names a file that must exist.
GATE='status=0
for f in $(git ls-files); do
  for dep in $(sed -n "s/^needs: //p" "$f"); do
    if [ ! -e "$dep" ]; then echo "$f needs $dep, which is missing" >&2; status=1; fi
  done
done
exit $status'

# agent NAME MODE FILE [NEEDS...]: the scripted agent writes FILE (needing
# NEEDS) in its worktree and commits it (MODE commit) or leaves it (MODE leave).
agent() {
  local name=$1 mode=$2 file=$3
  shift 3
  local content="// $file, by $name (uses schema)"
  for dep in "$@"; do
    content="$content
needs: $dep"
  done
  if [ "$mode" = commit ]; then
    work "$name" "$file" "$content"
  else
    leave "$name" "$file" "$content"
  fi
}

# land LABEL [EXPECTED_GATE_OUTPUT...]
land() {
  local label=$1
  shift
  run git -C "$REPO" wave gate
  expect_rc 0
  expect_out "gate wave $label: pass"
  for expected in "$@"; do
    expect_out "$expected"
  done
  run git -C "$REPO" wave merge
  expect_rc 0
  expect_out "merged wave $label of run 'review-enforcement' into 'main'"
}

make_repo seed "$PLAN" "$GATE"
base=$(tip main)

test_case "wave 1: config-schema"
start_wave
agent config-schema commit src/config/schema.ts
agent config-schema commit schema/config.json
land 1

test_case "wave 2: event-hooks, review-checking (uncommitted, lead commits), commit-enforcement"
start_wave
agent event-hooks commit src/hooks/event_hooks.ts src/config/schema.ts
agent event-hooks commit tests/hooks/event_hooks.test.ts src/hooks/event_hooks.ts
agent review-checking leave src/review/check.ts src/config/schema.ts
agent commit-enforcement commit src/enforce/commit.ts src/config/schema.ts
land 2 "pass    commit review-checking" "pass    agent gate event-hooks"

test_case "wave 3: issue-tool, pr-tool (uncommitted)"
start_wave
agent issue-tool commit src/tools/issue.ts src/hooks/event_hooks.ts
agent pr-tool leave src/tools/pr.ts src/hooks/event_hooks.ts src/review/check.ts src/enforce/commit.ts
land 3 "pass    commit pr-tool"

test_case "wave 4: docs"
start_wave
agent docs commit docs/usage.md src/tools/issue.ts src/tools/pr.ts
agent docs commit README.md docs/usage.md
land 4

test_case "every agent's work is on main, in wave order"
expect_eq "$(git -C "$REPO" log --first-parent --reverse --format=%s "$base"..main)" "Merge wave 1 agent 'config-schema': Extend config schema
Merge wave 2 agent 'event-hooks': Add event hook system
Merge wave 2 agent 'review-checking': Add review checking logic
Merge wave 2 agent 'commit-enforcement': Add commit enforcement
Merge wave 3 agent 'issue-tool': Enhance issue creation tool
Merge wave 3 agent 'pr-tool': Add PR creation tool
Merge wave 4 agent 'docs': Update documentation"
for f in src/config/schema.ts schema/config.json src/hooks/event_hooks.ts tests/hooks/event_hooks.test.ts \
  src/review/check.ts src/enforce/commit.ts src/tools/issue.ts src/tools/pr.ts docs/usage.md; do
  git -C "$REPO" cat-file -e "main:$f" || fail "$f is not on main"
  [ -e "$REPO/$f" ] || fail "$f is not in the main worktree"
done
(cd "$REPO" && sh gate.sh) || fail "the gate fails on main"
expect_eq "$(git -C "$REPO" branch --list 'wave/*')" ""
expect_eq "$(git -C "$REPO" worktree list | wc -l | tr -d ' ')" "1"
expect_eq "$(git -C "$REPO" log --format=%s refs/wave/review-enforcement/state | grep -c '^merge wave [0-9]$')" "4"
run git -C "$REPO" wave start
expect_rc 0
expect_out "complete"
