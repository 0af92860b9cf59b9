#!/usr/bin/env bash
# git wave plan: validating a plan and showing its schedule, on real repositories.
. "$(dirname "$0")/lib.sh"

# seed_plan FILE [SHARED]: seed 000's seven tasks; with SHARED, the three
# wave-2 tasks all own one file.
seed_plan() {
  local two="src/hooks/**" three="src/review/**" four="src/commit/**"
  if [ "${2:-}" = shared ]; then
    two="src/git-workflow-enforcer.ts" three="src/git-workflow-enforcer.ts" four="src/git-workflow-enforcer.ts"
  fi
  cat >"$1" <<TOML
name = "review-enforcement"
base = "main"
protected = ["wave.toml"]

[gate]
commands = ["make test"]
timeout = "20m"

[[agent]]
name = "config-schema"
task = "Extend config schema"
owns = ["src/config/**"]

[[agent]]
name = "event-hooks"
task = "Add event hook system"
after = ["config-schema"]
owns = ["$two"]

[[agent]]
name = "review-checking"
task = "Add review checking logic"
after = ["config-schema"]
owns = ["$three"]

[[agent]]
name = "commit-enforcement"
task = "Add commit enforcement"
after = ["config-schema"]
owns = ["$four"]

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
owns = ["docs/**"]
TOML
}

# json_get EXPR: evaluates a Python expression on the JSON in $TEST_DIR/out (as d).
json_get() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TEST_DIR/out" "$1"
}

new_repo repo
seed_plan repo/wave.toml
git -C repo add wave.toml && git -C repo commit -q -m plan

test_case "seed 000 runs in four waves with critical path 1-2-6-7"
run git -C repo wave plan
expect_rc 0
expect_out "plan 'wave.toml': run 'review-enforcement' on 'main', 7 agents in 4 waves"
expect_out "wave 1"
expect_out "wave 4"
expect_out "config-schema       Extend config schema         src/config/**"
expect_out "critical path: config-schema -> event-hooks -> pr-tool -> docs (4 tasks)"
expect_out "speedup: 1.75x (7 tasks one after another, 4 tasks in waves)"
expect_out "eager: 1.75x (4 tasks, each agent started as soon as its dependencies are done, no barriers)"
expect_out "plan is valid"
expect_no_out "wave 5"
expect_eq "$(cat "$TEST_DIR/err")" "" "nothing on stderr"

test_case "--json has the documented shape"
run git -C repo wave plan --json
expect_rc 0
expect_eq "$(json_get 'd["valid"]')" "True"
expect_eq "$(json_get '[w["label"] for w in d["waves"]]')" "['1', '2', '3', '4']"
expect_eq "$(json_get '[w["agents"] for w in d["waves"]][1]')" "['event-hooks', 'review-checking', 'commit-enforcement']"
expect_eq "$(json_get 'd["critical_path"]')" "['config-schema', 'event-hooks', 'pr-tool', 'docs']"
expect_eq "$(json_get 'd["speedup"]')" "1.75"
expect_eq "$(json_get 'd["cost"]')" "{'unit': 'task', 'sequential': 7.0, 'parallel': 4.0, 'critical_path': 4.0, 'eager': 4.0}"
expect_eq "$(json_get '[a["wave"] for a in d["agents"]]')" "['1', '2', '2', '2', '3', '3', '4']"
expect_eq "$(json_get 'd["agents"][5]["after"]')" "['event-hooks', 'review-checking', 'commit-enforcement']"
expect_eq "$(json_get 'd["gate"]')" "{'commands': ['make test'], 'timeout_ms': 1200000}"
expect_eq "$(json_get 'sorted(d.keys())')" "['agents', 'base', 'cost', 'critical_path', 'diagnostics', 'eager_speedup', 'file', 'gate', 'max_parallel', 'merge', 'name', 'overlap', 'protected', 'speedup', 'split', 'valid', 'waves']"
expect_eq "$(json_get 'd["diagnostics"]')" "[]"

test_case "--format=json is --json"
run git -C repo wave plan --format=json
expect_rc 0
expect_eq "$(json_get 'd["name"]')" "review-enforcement"

test_case "--format=dot draws the dependency graph grouped by wave"
run git -C repo wave plan --format=dot
expect_rc 0
expect_out 'digraph "review-enforcement" {'
expect_out 'subgraph "cluster_wave_2" {'
expect_out 'label="wave 2";'
expect_out '"config-schema" -> "event-hooks" [penwidth=2, color=red];'
expect_out '"review-checking" -> "pr-tool";'
expect_eq "$(grep -c -- '->' "$TEST_DIR/out")" "9" "one edge per dependency"
if command -v dot >/dev/null; then
  dot -Tsvg "$TEST_DIR/out" >/dev/null || fail "dot rejects the graph"
fi

test_case "--format=mermaid draws the dependency graph grouped by wave"
run git -C repo wave plan --format=mermaid
expect_rc 0
expect_out "flowchart LR"
expect_out '  subgraph w1["wave 2"]'
expect_out '    a1["event-hooks"]'
expect_out "  a0 --> a1"
expect_out "  class a0,a1,a5,a6 critical"
expect_eq "$(grep -c -- '-->' "$TEST_DIR/out")" "9"

test_case "three wave-2 agents owning one file: the overlap names the file"
seed_plan repo/wave.toml shared
run git -C repo wave plan
expect_rc 128
expect_err "wave.toml:24:9: error: agents 'event-hooks' and 'review-checking' of wave 2 both own 'src/git-workflow-enforcer.ts'"
expect_err "wave.toml:30:9: error: agents 'event-hooks' and 'commit-enforcement' of wave 2 both own 'src/git-workflow-enforcer.ts'"
expect_err "wave.toml:30:9: error: agents 'review-checking' and 'commit-enforcement' of wave 2 both own 'src/git-workflow-enforcer.ts'"
expect_err "hint: give the path to one agent"
expect_err "error: plan 'wave.toml' is invalid: 3 errors"
expect_eq "$(cat "$TEST_DIR/out")" "" "nothing on stdout"

test_case "--split runs the overlapping wave as three sequential sub-waves"
run git -C repo wave plan --split
expect_rc 0
expect_out "7 agents in 6 waves (overlapping agents split)"
expect_out "wave 2a"
expect_out "wave 2b (split: 'review-checking' overlaps 'event-hooks' on 'src/git-workflow-enforcer.ts')"
expect_out "wave 2c (split: 'commit-enforcement' overlaps 'review-checking' on 'src/git-workflow-enforcer.ts')"
expect_out "speedup: 1.17x (7 tasks one after another, 6 tasks in waves)"
expect_out "eager: 1.17x (6 tasks, each agent started"
run git -C repo wave plan --split --json
expect_eq "$(json_get '[w["label"] for w in d["waves"]]')" "['1', '2a', '2b', '2c', '3', '4']"
expect_eq "$(json_get '[w["split"] for w in d["waves"]]')" "['none', 'none', 'overlap', 'overlap', 'none', 'none']"
expect_eq "$(json_get 'd["waves"][2]["overlaps"][0]["witness"]')" "src/git-workflow-enforcer.ts"
expect_eq "$(json_get 'd["split"]')" "True"

test_case "overlap = \"split\" in the plan splits too"
sed -i 's/^base = "main"$/base = "main"\noverlap = "split"/' repo/wave.toml
run git -C repo wave plan
expect_rc 0
expect_out "wave 2c"
run git -C repo wave plan --format=mermaid
expect_out "  w2 -.-> w3"

test_case "the plan is read from the working tree, uncommitted edits included"
git -C repo diff --quiet -- wave.toml && fail "the plan should be modified"
run git -C repo wave plan --json
expect_eq "$(json_get 'd["overlap"]')" "split"
git -C repo checkout -q -- wave.toml

test_case "several errors are reported in one run, each at file:line:column"
cat >repo/bad.toml <<'TOML'
name = "bad name"
max_paralel = 3

[[agent]]
name = "a"
after = ["c"]
owns = ["src/[abc"]

[[agent]]
name = "b"
after = ["a", "zz"]
estimate = "soon"

[[agent]]
name = "c"
after = ["b"]

[[agent]]
name = "a"
TOML
run git -C repo wave plan --plan bad.toml
expect_rc 128
expect_err "bad.toml:1:8: error: invalid plan name 'bad name': it contains a space"
expect_err "bad.toml:2:1: error: unknown key 'max_paralel' in the plan"
expect_err "hint: did you mean 'max_parallel'?"
expect_err "bad.toml:6:10: error: dependency cycle: a -> b -> c -> a"
expect_err "bad.toml:7:14: error: invalid pattern 'src/[abc' in 'owns'"
expect_err "bad.toml:11:15: error: unknown agent 'zz' in 'after' of 'b'"
expect_err "bad.toml:12:12: error: invalid duration 'soon' for 'estimate'"
expect_err "bad.toml:19:8: error: duplicate agent 'a' (first defined at line 5)"
expect_err "error: plan 'bad.toml' is invalid: 7 errors"

test_case "an invalid plan with --json says so in the document"
run git -C repo wave plan --plan bad.toml --json
expect_rc 128
expect_eq "$(json_get 'd["valid"]')" "False"
expect_eq "$(json_get 'len([x for x in d["diagnostics"] if x["severity"] == "error"])')" "7"
expect_eq "$(json_get 'd["diagnostics"][0]')" "{'severity': 'error', 'file': 'bad.toml', 'line': 1, 'column': 8, 'message': \"invalid plan name 'bad name': it contains a space\", 'hint': 'the name becomes part of branch names (wave/<name>/<agent>): use letters, digits, \\'-\\', \\'_\\' and \\'.\\', starting with a letter or digit, e.g. \"review-enforcement\"'}"
expect_eq "$(json_get 'd["waves"]')" "[]"

test_case "a TOML syntax error is reported at its position"
printf 'name = "r"\n[[agent]]\nname = \n' >repo/syntax.toml
run git -C repo wave plan --plan syntax.toml
expect_rc 128
expect_err "syntax.toml:3:8: error: TOML syntax error"

test_case "warnings do not fail the plan"
cat >repo/warn.toml <<'TOML'
name = "r"
protected = [".github/**"]

[[agent]]
name = "ci"
owns = [".github/workflows/ci.yml"]

[[agent]]
name = "reviewer"
task = "Review the change"
TOML
run git -C repo wave plan --plan warn.toml
expect_rc 0
expect_err "warn.toml:5:8: warning: agent 'ci' has no task"
expect_err "warn.toml:6:9: warning: agent 'ci' owns '.github/workflows/ci.yml', which overlaps protected '.github/**'"
expect_err "warn.toml:9:8: note: agent 'reviewer' owns no paths"
expect_out "plan is valid (2 warnings)"
expect_out "(read-only)"

test_case "--plan is relative to the current directory"
mkdir -p repo/sub/dir
cp repo/warn.toml repo/sub/other.toml
run git -C repo/sub wave plan --plan other.toml
expect_rc 0
expect_out "plan 'other.toml'"
run git -C repo/sub/dir wave plan --plan ../other.toml
expect_rc 0
expect_out "plan '../other.toml'"

test_case "from a subdirectory the default plan is wave.toml at the root"
run git -C repo/sub/dir wave plan
expect_rc 0
expect_out "plan '../../wave.toml'"
expect_out "7 agents in 4 waves"

test_case "git config wave.plan names the plan, relative to the root"
git -C repo config wave.plan sub/other.toml
run git -C repo/sub/dir wave plan
expect_rc 0
expect_out "plan '../other.toml'"
run git -C repo wave plan --plan wave.toml
expect_out "plan 'wave.toml': run 'review-enforcement'"
git -C repo config --unset wave.plan

test_case "a missing plan is a fatal error with a hint"
new_repo empty
run git -C empty wave plan
expect_rc 128
expect_err "error: cannot read plan 'wave.toml': No such file or directory"
expect_err "hint: write a plan"
git -C empty config wave.plan plans/run.toml
run git -C empty wave plan
expect_rc 128
expect_err "error: cannot read plan 'plans/run.toml'"

test_case "outside a repository --plan still works, the default does not"
mkdir -p outside
cp repo/warn.toml outside/
run env GIT_CEILING_DIRECTORIES="$TEST_DIR" git -C outside wave plan --plan warn.toml
expect_rc 0
expect_out "plan is valid"
run env GIT_CEILING_DIRECTORIES="$TEST_DIR" git -C outside wave plan
expect_rc 128
expect_err "not a git repository"

test_case "usage errors exit 129"
run git -C repo wave plan --frobnicate
expect_rc 129
run git -C repo wave plan --format=xml
expect_rc 129
expect_err "see 'git wave plan -h'"
run git -C repo wave plan --json --format=dot
expect_rc 129
expect_err "error: --json cannot be combined with --format=dot"
run git -C repo wave plan --color=sometimes
expect_rc 129
run git -C repo wave plan extra
expect_rc 129

test_case "-h shows the synopsis"
run git -C repo wave plan -h
expect_rc 0
expect_out "usage: git wave plan [--plan <path>] [--json | --format=<format>] [--split] [--color=<when>]"
expect_out "--split"

test_case "colour follows --color and color.wave / color.ui"
esc=$(printf '\033')
run git -C repo wave plan
grep -q "$esc" "$TEST_DIR/out" && fail "no colour when stdout is not a terminal"
run git -C repo wave plan --color=always
grep -q "$esc\[1mwave 1" "$TEST_DIR/out" || fail "--color=always colours the wave headings"
git -C repo config color.ui always
run git -C repo wave plan
grep -q "$esc" "$TEST_DIR/out" || fail "color.ui=always colours"
git -C repo config color.wave never
run git -C repo wave plan
grep -q "$esc" "$TEST_DIR/out" && fail "color.wave=never wins over color.ui"
run git -C repo wave plan --color=always --json
grep -q "$esc" "$TEST_DIR/out" && fail "JSON is never coloured"
git -C repo config --unset color.ui
git -C repo config --unset color.wave
true
