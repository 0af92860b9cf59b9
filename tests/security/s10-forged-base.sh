#!/usr/bin/env bash
# Attack: a forged state moves an agent's recorded base back to before a
# fix on the integration branch. flow::verify_state does not check the
# agents' records; gate/audit's take_restored then accepts the agent's
# revert of the fix as "restored to its content at the base", the net
# change from that base is nothing, and gate::rebuild_problem only asks the
# base to be below the tip and the gate's base, which an older commit of
# main is. The candidate is a 3-way merge whose merge base is the real one
# (main), so the revert lands. On a server WITHOUT the hook, agent 'a'
# pushes its branch (a's work and b/auth.c put back as it was before the
# fix) and a child of the run's state recording its base as main~1; the
# lead's `git wave gate` passes and `git wave merge` lands the revert.
# (With the hook, the server audits a's branch from that base and refuses
# the fix's commit in the walk.)
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

test_case "a server without the hook: a forged older base does not let a revert b's fix"
git init -q --bare "$SERVER"
make_lead "$PLAN"
mkdir -p "$LEAD/b"
echo "insecure" >"$LEAD/b/auth.c"
git -C "$LEAD" add -A && git -C "$LEAD" commit -q -m "b/auth.c"
echo "fixed" >"$LEAD/b/auth.c"
git -C "$LEAD" commit -q -am "security fix"
git -C "$LEAD" push -q origin main
start_wave
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" config user.name agent
git -C "$AGENT" config user.email agent@example.com
git -C "$AGENT" checkout -q wave/sec/a
mkdir -p "$AGENT/a"
echo "a's work" >"$AGENT/a/work.txt"
echo "insecure" >"$AGENT/b/auth.c"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "a: work"
old=$(git -C "$AGENT" rev-parse origin/main~1)
fetch_run "$AGENT"
forged=$(forge "$AGENT" "$(git -C "$AGENT" rev-parse refs/wave/sec/state)" "
for a in s['waves'][0]['agents']:
    if a['name'] == 'a':
        a['base'] = '$old'")
run git -C "$AGENT" push --atomic origin wave/sec/a "$forged:refs/wave/sec/state"
expect_rc 0
run git -C "$LEAD" wave gate
gate_rc=$RC
run git -C "$LEAD" wave merge
expect_eq "$(git -C "$SERVER" show main:b/auth.c)" "fixed" "b's fix was reverted on the server's main (gate rc $gate_rc, merge rc $RC)"
[ "$gate_rc" -ne 0 ] || fail "the gate passed"
