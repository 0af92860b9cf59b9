#!/usr/bin/env bash
# The server enforces ownership: a bare repository with `git wave hook
# install` (the pre-receive shim) refuses pushes of agent branches touching
# files the agent does not own, run states moved backwards, claims moved;
# over file:// and over a real network transport (git daemon on 127.0.0.1).
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "demo"
worktrees = "../lead.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

test_case "git wave hook install in a bare repository installs the pre-receive hook, chaining one there"
git init -q --bare "$SERVER"
cat >"$SERVER/hooks/pre-receive" <<'SH'
#!/bin/sh
cat >>"$(dirname "$0")/../chained-saw"
SH
chmod +x "$SERVER/hooks/pre-receive"
run git -C "$SERVER" wave hook install
expect_rc 0
expect_out "installed the pre-receive hook '$SERVER/hooks/pre-receive'; the hook that was there runs first"
expect_out "set receive.fsckObjects=true: git checks every pushed object (git fsck's rules)"
expect_eq "$(git -C "$SERVER" config receive.fsckObjects)" true
[ ! -e "$SERVER/hooks/pre-commit" ] || fail "a pre-commit hook in a bare repository"

test_case "the lead's run reaches the server: state and agent branches in one atomic push"
make_lead "$PLAN"
start_wave
run push_run
expect_rc 0
grep -q " refs/wave/demo/state" "$SERVER/chained-saw" || fail "the chained hook did not get the push: $(cat "$SERVER/chained-saw")"

test_case "an agent on another machine pushes work it owns: taken"
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" checkout -q wave/demo/a
mkdir -p "$AGENT/a"
echo "a's work" >"$AGENT/a/work.txt"
git -C "$AGENT" add a && git -C "$AGENT" commit -q -m "a: work"
run as_machine agent git -C "$AGENT" push origin wave/demo/a
expect_rc 0
expect_eq "$(git -C "$SERVER" rev-parse wave/demo/a)" "$(git -C "$AGENT" rev-parse HEAD)"

test_case "a push touching another agent's file is refused by the server, naming the path and its owner"
mkdir -p "$AGENT/b"
echo "not mine" >"$AGENT/b/x.txt"
echo "mine" >>"$AGENT/a/work.txt"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q --no-verify -m "a: strays into b"
before=$(git -C "$SERVER" rev-parse wave/demo/a)
run as_machine agent git -C "$AGENT" push origin wave/demo/a
expect_rc 1
expect_err "remote: error: refs/heads/wave/demo/a: agent 'a' of run 'demo' may not change this path"
expect_err "'b/x.txt' is owned by 'b'"
expect_err "hint: 'a' owns a/**"
expect_err "[remote rejected] wave/demo/a -> wave/demo/a (pre-receive hook declined)"
expect_eq "$(git -C "$SERVER" rev-parse wave/demo/a)" "$before" "the branch moved"

test_case "a protected file, and a commit hidden under an owned one, are refused too"
git -C "$AGENT" reset -q --hard "$before"
echo "x" >>"$AGENT/wave.toml"
git -C "$AGENT" commit -q -am "a: edits the plan" --no-verify
echo "more" >>"$AGENT/a/work.txt"
git -C "$AGENT" commit -q -am "a: innocent on top"
run as_machine agent git -C "$AGENT" push origin wave/demo/a
expect_rc 1
expect_err "'wave.toml' is protected"
git -C "$AGENT" reset -q --hard "$before"

test_case "a refusal escapes control characters in what it shows, and lists at most 10 paths"
mkdir -p "$AGENT/b"
for i in $(seq 1 11); do echo "$i" >"$AGENT/b/f$i.txt"; done
echo "red" >"$AGENT/b/$(printf '\033[31mred')"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q --no-verify -m "a: takes 12 of b's paths"
run as_machine agent git -C "$AGENT" push origin wave/demo/a
expect_rc 1
expect_err "'b/\\e[31mred' is owned by 'b'"
expect_err "... and 2 more"
expect_eq "$(grep -c "is owned by 'b'" "$TEST_DIR/err")" 10
! grep -q "$(printf '\033')" "$TEST_DIR/err" || fail "an escape character reached the pusher's terminal"
git -C "$AGENT" reset -q --hard "$before"

test_case "a branch of a run the server does not know is refused; other branches are not checked"
git -C "$AGENT" checkout -q -b wave/ghost/a
run as_machine agent git -C "$AGENT" push origin wave/ghost/a
expect_rc 1
expect_err "this server has no run 'ghost'"
git -C "$AGENT" checkout -q -b feature main
mkdir -p "$AGENT/anything" && echo x >"$AGENT/anything/at-all"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q -m "feature"
run as_machine agent git -C "$AGENT" push origin feature
expect_rc 0

test_case "a run state may only move forward, and must be one"
state=$(git -C "$SERVER" rev-parse refs/wave/demo/state)
junk=$(git -C "$LEAD" commit-tree -p "$state" -m "not a state" "$(git -C "$LEAD" mktree </dev/null)")
run git -C "$LEAD" push origin "$junk:refs/wave/demo/state"
expect_rc 1
expect_err "this is not a valid state of run 'demo'"
run git -C "$LEAD" push --force origin "$state^:refs/wave/demo/state"
expect_rc 1
expect_err "the state of run 'demo' may only move forward"
expect_eq "$(git -C "$SERVER" rev-parse refs/wave/demo/state)" "$state"

test_case "claims are created or released, never moved, and only for the run's agents"
tip=$(git -C "$LEAD" rev-parse main)
run git -C "$LEAD" push origin "$tip:refs/wave/demo/claims/a"
expect_rc 0
run git -C "$LEAD" push origin "$tip:refs/wave/demo/claims/a"
expect_rc 0 # the same value: nothing to update
other=$(git -C "$LEAD" commit-tree -p "$tip" -m other "$(git -C "$LEAD" rev-parse "main^{tree}")")
run git -C "$LEAD" push --force origin "$other:refs/wave/demo/claims/a"
expect_rc 1
expect_err "'a' is held: a claim is created or released, never moved"
run git -C "$LEAD" push origin "$tip:refs/wave/demo/claims/nobody"
expect_rc 1
expect_err "run 'demo' has no agent 'nobody' to claim"
run git -C "$LEAD" push origin ":refs/wave/demo/claims/a"
expect_rc 0

test_case "the integration branch of a run with waves to land moves only by a wave's merge, not to a gated candidate alone"
run git -C "$LEAD" push origin "$other:main"
expect_rc 1
expect_err "'main' moves only to the candidate that passed the gate of a wave, recorded on this server before, whose merge the state of run 'demo' records in the same push, and ${other:0:7} is none"
# The lead takes the remote agent's pushed work into its own worktree of a.
git -C "$LEAD" fetch -q origin wave/demo/a
git -C "$(wt a)" reset -q --hard "$(git -C "$LEAD" rev-parse FETCH_HEAD)"
work b b/y.txt "b's work"
run git -C "$LEAD" wave gate
expect_rc 0
candidate=$(git -C "$LEAD" show refs/wave/demo/state:state.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["waves"][0]["gate"]["candidate"])')
main=$(git -C "$SERVER" rev-parse main)
# (Before: with wave.receive.gatedOnly, any passed candidate was taken.)
run git -C "$LEAD" push --atomic origin 'refs/wave/demo/state:refs/wave/demo/state' 'refs/heads/wave/demo/b:refs/heads/wave/demo/b' "$candidate:refs/heads/main"
expect_rc 1
expect_err "and ${candidate:0:7} is none"
expect_eq "$(git -C "$SERVER" rev-parse main)" "$main"
run git -C "$LEAD" push --atomic origin 'refs/wave/demo/state:refs/wave/demo/state' 'refs/heads/wave/demo/b:refs/heads/wave/demo/b'
expect_rc 0

test_case "without git-wave on the server, the shim refuses run refs and lets the rest through"
sed "s|^installed=.*|installed='/nonexistent/git-wave'|" "$SERVER/hooks/pre-receive" >"$TEST_DIR/shim"
cp "$SERVER/hooks/pre-receive" "$TEST_DIR/shim.saved"
cp "$TEST_DIR/shim" "$SERVER/hooks/pre-receive"
as_machine agent git -C "$AGENT" checkout -q wave/demo/a
echo "again" >>"$AGENT/a/work.txt"
git -C "$AGENT" commit -q -am "a: again"
run env PATH="$(dirname "$(command -v git)"):/usr/bin:/bin" git -C "$AGENT" push origin wave/demo/a
expect_rc 1
expect_err "git-wave not found (installed as '/nonexistent/git-wave')"
run env PATH="$(dirname "$(command -v git)"):/usr/bin:/bin" git -C "$AGENT" push origin feature:feature2
expect_rc 0
cp "$TEST_DIR/shim.saved" "$SERVER/hooks/pre-receive"

test_case "over git daemon (a network transport): owned work taken, foreign work refused"
start_daemon
machine_clone far "$DAEMON_URL/server.git"
FAR="$TEST_DIR/far"
git -C "$FAR" checkout -q wave/demo/a
echo "from far away" >"$FAR/a/far.txt"
git -C "$FAR" add -A && git -C "$FAR" commit -q -m "a: far"
run as_machine far git -C "$FAR" push origin wave/demo/a
expect_rc 0
mkdir -p "$FAR/b" && echo "stray" >"$FAR/b/far.txt"
git -C "$FAR" add -A && git -C "$FAR" commit -q --no-verify -m "a: stray"
run as_machine far git -C "$FAR" push origin wave/demo/a
expect_rc 1
expect_err "'b/far.txt' is owned by 'b'"

test_case "git wave hook uninstall in a bare repository puts the chained hook back"
run git -C "$SERVER" wave hook uninstall
expect_rc 0
expect_out "removed git wave's pre-receive hook; '$SERVER/hooks/pre-receive' is the hook that was there before"
grep -q chained-saw "$SERVER/hooks/pre-receive" || fail "the old hook is not back"

test_case "install leaves receive.fsckObjects alone when the repository sets it, and says so"
git init -q --bare "$TEST_DIR/second.git"
git -C "$TEST_DIR/second.git" config receive.fsckObjects false
run git -C "$TEST_DIR/second.git" wave hook install
expect_rc 0
expect_out "receive.fsckObjects is set already (false): left as it is"
expect_eq "$(git -C "$TEST_DIR/second.git" config receive.fsckObjects)" false
