#!/usr/bin/env bash
# When the combined gate fails though every agent's own gate passed, bisect
# names the agent whose branch breaks it.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
owns = ["alpha/**"]
gate = ["test -e alpha/ok"]

[[agent]]
name = "beta"
owns = ["beta/**"]
gate = ["test -e beta/ok"]

[[agent]]
name = "gamma"
owns = ["gamma/**"]

[[agent]]
name = "delta"
owns = ["delta/**"]'

# Each branch is fine alone as far as its own gate can tell; gamma's breaks
# the whole.
GATE='if [ -e gamma/bad ]; then echo "gamma broke the build" >&2; exit 1; fi'

test_case "bisect names the one agent that breaks the combined gate among four"
make_repo bisect "$PLAN" "$GATE"
start_wave
work alpha alpha/ok "1"
work beta beta/ok "1"
work gamma gamma/bad "1"
work delta delta/ok "1"
run git -C "$REPO" wave gate -j 2
expect_rc 1
expect_out "pass    agent gate alpha: test -e alpha/ok"
expect_out "pass    agent gate beta: test -e beta/ok"
expect_out "culprit: 'gamma' breaks the gate"
expect_out "bisect: 3 gate runs"
expect_out "gate wave 1: FAIL the gate failed on the candidate; 'gamma' breaks it (bisect: 3 gate runs)"
expect_eq "$(git -C "$REPO" show refs/wave/demo/state:state.json | grep -A1 '"culprits"' | tail -1 | tr -d ' ')" '"gamma"'

test_case "--no-bisect only reports the failure"
run git -C "$REPO" wave gate --no-bisect
expect_rc 1
expect_no_out "culprit"
expect_out "gate wave 1: FAIL the gate failed on the candidate"

test_case "a failing agent gate fails the wave without running the plan's gate"
make_repo agentfail "$PLAN" "$GATE"
start_wave
work alpha alpha/other "1"
work beta beta/ok "1"
run git -C "$REPO" wave gate
expect_rc 1
expect_out "fail    agent gate alpha: test -e alpha/ok"
expect_out "the own gate of 'alpha' failed"
expect_out "culprit: 'alpha' fails its own gate"
expect_no_out "bisect:"

test_case "gate --json names the agent whose own gate failed among the culprits"
run git -C "$REPO" wave gate --json
expect_rc 1
python3 -c 'import json, sys; g = json.load(open(sys.argv[1])); assert g["culprits"] == ["alpha"], g["culprits"]' \
  "$TEST_DIR/out" || fail "culprits: $(cat "$TEST_DIR/out")"

test_case "status blames only the culprit: 'fail' for alpha, 'ok' for the others"
run git -C "$REPO" wave status
expect_rc 0
expect_out "gate: fail (culprits: alpha)"
grep -E '^  alpha .* fail ' "$TEST_DIR/out" >/dev/null || fail "alpha: $(cat "$TEST_DIR/out")"
for other in beta gamma delta; do
  grep -E "^  $other .* ok " "$TEST_DIR/out" >/dev/null || fail "$other: $(cat "$TEST_DIR/out")"
done

# Two waves: zero lands first (its gate passed on what became main); then
# four agents, the first of which breaks the gate.
PLAN2='name = "demo"
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "zero"
owns = ["zero/**"]

[[agent]]
name = "alpha"
after = ["zero"]
owns = ["alpha/**"]

[[agent]]
name = "beta"
after = ["zero"]
owns = ["beta/**"]

[[agent]]
name = "gamma"
after = ["zero"]
owns = ["gamma/**"]

[[agent]]
name = "delta"
after = ["zero"]
owns = ["delta/**"]'
GATE2='echo "gate run on $WAVE_CANDIDATE" >>"$WAVE_GATE_RUNS"; if [ -e alpha/bad ]; then echo "alpha broke the build" >&2; exit 1; fi'

# second_wave NAME [PLAN-LINE]: wave 1 gated and merged, wave 2 started
# with alpha's branch breaking the gate.
second_wave() {
  make_repo "$1" "${PLAN2/\[gate\]/[gate]
${2:-}}" "$GATE2"
  export WAVE_GATE_RUNS="$TEST_DIR/$1.runs"
  start_wave
  work zero zero/ok "1"
  run git -C "$REPO" wave gate
  expect_rc 0
  run git -C "$REPO" wave merge
  expect_rc 0
  start_wave
  work alpha alpha/bad "1"
  work beta beta/ok "1"
  work gamma gamma/ok "1"
  work delta delta/ok "1"
  : >"$WAVE_GATE_RUNS"
}

test_case "bisection does not run the gate again on an integration tip the run merged after a passing gate"
second_wave reuse
tip_now=$(tip main)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "culprit: 'alpha' breaks the gate"
expect_out "bisect: $(git -C "$REPO" rev-parse --short=7 main) (integration tip) was gated before: pass"
expect_out "bisect: 3 gate runs, 1 result known already"
# The candidate, then three bisect runs; never main itself.
expect_eq "$(wc -l <"$WAVE_GATE_RUNS" | tr -d ' ')" 4 "gate runs: $(cat "$WAVE_GATE_RUNS")"
! grep -q "$tip_now" "$WAVE_GATE_RUNS" || fail "the integration tip was gated again"
# Bisect steps name the commit and the agents they test, not a git command.
grep -qE "bisect [0-9] at [0-9a-f]{7} \(alpha\)" "$TEST_DIR/out" || fail "no bisect line naming its commit: $(cat "$TEST_DIR/out")"
! grep -q "'git' '-C'" "$TEST_DIR/out" || fail "a git command line in the output: $(cat "$TEST_DIR/out")"

test_case "--bisect=N bounds the search; the summary says it stopped there"
run git -C "$REPO" wave gate --bisect=1
expect_rc 1
expect_out "bisect: 1 gate run"
expect_out "stopped at its bound"
expect_out "gate wave 2: FAIL the gate failed on the candidate; bisecting stopped at its bound (1 gate run)"
run git -C "$REPO" wave gate --json --bisect=1
expect_rc 1
python3 -c 'import json, sys; g = json.load(open(sys.argv[1])); b = g["bisect"]; assert b["runs"] == 1 and b["bounded"], b' \
  "$TEST_DIR/out" || fail "bisect: $(cat "$TEST_DIR/out")"
run git -C "$REPO" wave gate --bisect=2 --no-bisect
expect_rc 129
expect_err "error: --bisect and --no-bisect cannot be used together"

test_case "the plan's [gate] bisect = 0 turns the search off; --bisect overrides it"
second_wave bounded "bisect = 0"
run git -C "$REPO" wave gate
expect_rc 1
expect_no_out "bisect:"
expect_no_out "bisecting"
expect_no_out "culprit"
expect_eq "$(wc -l <"$WAVE_GATE_RUNS" | tr -d ' ')" 1 "gate runs: $(cat "$WAVE_GATE_RUNS")"
run git -C "$REPO" wave gate --bisect=5
expect_rc 1
expect_out "culprit: 'alpha' breaks the gate"
