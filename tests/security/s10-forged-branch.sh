#!/usr/bin/env bash
# Attack: a forged state names the integration branch as the agents'
# branch. flow::verify_state checks a fetched state's plan, its history and
# its integration branch, but not the agents' records: their `branch`,
# `base` and `worktree` are free text (run/state_json.cpp) that the lead
# then obeys. On a server WITHOUT git wave's hook (a forge, where agents may
# write refs/wave/*), agent 'a' pushes its branch with a change to b's
# file, and a child of the run's state recording, for every agent,
# branch = "main", base = its own tip, worktree = "". The lead's
# `git wave gate` then:
# - in flow::sync ("the agents' branches of the open waves") fast-forwards
#   the lead's own main to a's tip (remote wave/sec/a);
# - audits "main" from that tip (nothing to see) and passes;
# - in flow::publish (open waves: "work done here" is pushed as
#   +<here>:refs/heads/<branch>) pushes the lead's main to the server's
#   refs/heads/main, leased at b's remote branch (still at the base, which
#   is the server's main): the foreign change is on the server's main.
# With the hook but no roles the agent can push that state too (it moves
# forward and keeps the plan); the hook then refuses the lead's push of
# main, but the lead's main has moved all the same.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/security/forge_lib.sh"

PLAN='name = "sec"
remote = "origin"
worktrees = "{repo}.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

# attack: in the agent's clone ($TEST_DIR/agent), a's work and b's file
# pushed to a's branch with the forged state over the server's.
attack() {
  machine_clone agent
  AGENT="$TEST_DIR/agent"
  git -C "$AGENT" config user.name agent
  git -C "$AGENT" config user.email agent@example.com
  git -C "$AGENT" checkout -q wave/sec/a
  mkdir -p "$AGENT/a" "$AGENT/b"
  echo "a's work" >"$AGENT/a/work.txt"
  echo "backdoor" >"$AGENT/b/auth.c"
  git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "a: work (and b's file)"
  EVIL=$(git -C "$AGENT" rev-parse HEAD)
  fetch_run "$AGENT"
  FORGED=$(forge "$AGENT" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)" "
for a in s['waves'][0]['agents']:
    a['branch'] = 'main'
    a['base'] = '$EVIL'
    a['worktree'] = ''")
  # One atomic push: a hook audits a's branch from the base this state gives.
  run git -C "$AGENT" push --atomic origin wave/sec/a "$FORGED:refs/wave/sec/state"
}

test_case "a server without the hook: a state naming 'main' as the agents' branch moves no main"
git init -q --bare "$SERVER"
make_lead "$PLAN"
start_wave
main_before=$(git -C "$LEAD" rev-parse main)
server_before=$(git -C "$SERVER" rev-parse main)
attack
expect_rc 0
run git -C "$LEAD" wave gate
gate_rc=$RC
cp "$TEST_DIR/out" "$TEST_DIR/gate.out"
cp "$TEST_DIR/err" "$TEST_DIR/gate.err"
expect_eq "$(git -C "$SERVER" rev-parse main)" "$server_before" \
  "the lead's gate (rc $gate_rc) pushed a's commit with b's file to the server's main"
expect_eq "$(git -C "$LEAD" rev-parse main)" "$main_before" "the lead's main was moved to the agent's commit"
[ "$gate_rc" -ne 0 ] || fail "the gate passed"

test_case "a server with the hook but no roles: the same state moves nothing of the lead's"
rm -rf "$TEST_DIR/server.git" "$TEST_DIR/lead" "$TEST_DIR/lead.wt" "$TEST_DIR/agent"
make_server
make_lead "$PLAN"
start_wave
main_before=$(git -C "$LEAD" rev-parse main)
server_before=$(git -C "$SERVER" rev-parse main)
attack
expect_rc 0 # the hook takes the forged state: it moves forward and keeps the plan
run git -C "$LEAD" wave gate
gate_rc=$RC
expect_eq "$(git -C "$SERVER" rev-parse main)" "$server_before" "the server's main moved"
expect_eq "$(git -C "$LEAD" rev-parse main)" "$main_before" \
  "the lead's main was moved to the agent's commit (gate rc $gate_rc)"
