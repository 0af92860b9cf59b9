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
