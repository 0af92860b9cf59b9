#!/usr/bin/env bash
# A run kept on a remote (`remote = "origin"`): start publishes the wave's
# branches and the state in one atomic push; gate fetches first and gates
# exactly what it fetched; merge lands by one atomic push whose leases make
# the server the compare-and-swap; a lead on another machine goes on from
# the remote; two leads merging at once: exactly one wins, the other is told
# what moved and takes the remote's record. Over file:// and git daemon.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "demo"
remote = "origin"
worktrees = "{repo}.wt/{agent}"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
gate = ["test -f a/work.txt"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
after = ["a"]
owns = ["c/**"]'

on_server() { git -C "$SERVER" rev-parse -q --verify "$1" || echo none; }


make_server
git -C "$SERVER" config wave.receive.gatedOnly true
make_lead "$PLAN"

test_case "start with a remote publishes the wave's branches and the state in one push"
run git -C "$LEAD" wave start
expect_rc 0
expect_out "published run 'demo' to 'origin'"
expect_eq "$(on_server refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"
base=$(git -C "$LEAD" rev-parse main)
expect_eq "$(on_server refs/heads/wave/demo/a)" "$base"
expect_eq "$(on_server refs/heads/wave/demo/b)" "$base"
run git -C "$LEAD" wave start
expect_rc 0
expect_out "already started"
expect_no_out "published"

test_case "agents on other machines join, and push owned work with plain git"
for agent in a b; do
  as_machine "$agent" git clone -q "file://$SERVER" "$TEST_DIR/m-$agent"
  run as_machine "$agent" git -C "$TEST_DIR/m-$agent" wave join demo "$agent"
  expect_rc 0
  wt_dir="$TEST_DIR/m-$agent.wt/$agent"
  mkdir -p "$wt_dir/$agent"
  echo "$agent's work" >"$wt_dir/$agent/work.txt"
  git -C "$wt_dir" add -A
  as_machine "$agent" git -C "$wt_dir" commit -q -m "$agent: work"
  run as_machine "$agent" git -C "$wt_dir" push -q
  expect_rc 0
done

test_case "the lead's gate fetches first and gates exactly the tips it fetched, and records them there"
a_tip=$(on_server refs/heads/wave/demo/a)
b_tip=$(on_server refs/heads/wave/demo/b)
run git -C "$LEAD" wave gate --json
expect_rc 0
expect_err "fast-forwarded 'wave/demo/a' to what 'origin' has"
expect_eq "$(jq -r '.tips.a' "$TEST_DIR/out")" "$a_tip"
expect_eq "$(jq -r '.tips.b' "$TEST_DIR/out")" "$b_tip"
# The local worktrees start made followed the fetched branches.
expect_eq "$(cat "$LEAD.wt/a/a/work.txt")" "a's work"
expect_eq "$(on_server refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"
candidate=$(jq -r '.candidate' "$TEST_DIR/out")
expect_eq "$(on_server refs/wave/demo/candidate/1)" "$candidate"

test_case "a lead on another machine sees the gated run, and gates the agents' tips without their worktrees"
as_machine lead2 git clone -q "file://$SERVER" "$TEST_DIR/lead2"
LEAD2="$TEST_DIR/lead2"
run as_worker lead2 git -C "$LEAD2" wave status --remote origin --json
expect_rc 0
expect_eq "$(jq -r '.waves[0].status' "$TEST_DIR/out")" "gated"
expect_eq "$(jq -r '.remote' "$TEST_DIR/out")" "origin"
run as_worker lead2 git -C "$LEAD2" wave gate --json
expect_rc 0
expect_eq "$(jq -r '.tips.a' "$TEST_DIR/out")" "$a_tip"
# a's own gate ran on its tip, checked out here.
jq -e '.steps[] | select(.name == "agent checkout" and .agent == "a" and .status == "pass")' "$TEST_DIR/out" >/dev/null ||
  fail "no checkout of a's tip: $(cat "$TEST_DIR/out")"
jq -e '.steps[] | select(.name == "agent gate" and .agent == "a" and .status == "pass")' "$TEST_DIR/out" >/dev/null ||
  fail "a's own gate did not pass: $(cat "$TEST_DIR/out")"

test_case "a lead whose main has unpushed commits is refused before anything is recorded"
commit_file "$LEAD" notes.txt "local only"
state=$(on_server refs/wave/demo/state)
run git -C "$LEAD" wave merge
expect_rc 128
expect_err "'main' has commits that 'origin' does not: push them first (git push origin main)"
expect_eq "$(on_server refs/wave/demo/state)" "$state"
expect_eq "$(git -C "$LEAD" rev-parse refs/wave/demo/state)" "$state" "the lead's state is not the remote's"
git -C "$LEAD" reset -q --hard HEAD^

test_case "two leads merge at once: the server lets exactly one win, the other is told and takes its record"
# lead2's gate is the last record: its candidate (signed by lead2) is not
# the lead's, who has it only as fetched. Both merges fetch, claim and push
# before the server takes either push.
git -C "$LEAD" wave status --remote origin >/dev/null
hold_state_pushes
(rc=0; cd "$LEAD" && git wave merge >"$TEST_DIR/m1.out" 2>"$TEST_DIR/m1.err" || rc=$?; echo $rc >"$TEST_DIR/m1.rc") &
(rc=0; cd "$LEAD2" && as_worker lead2 git wave merge >"$TEST_DIR/m2.out" 2>"$TEST_DIR/m2.err" || rc=$?; echo $rc >"$TEST_DIR/m2.rc") &
until_held 2
release_pushes
wait
rc1=$(cat "$TEST_DIR/m1.rc") rc2=$(cat "$TEST_DIR/m2.rc")
[ "$rc1$rc2" = "01" ] || [ "$rc1$rc2" = "10" ] ||
  fail "expected exactly one merge to win, got $rc1 and $rc2: $(cat "$TEST_DIR"/m1.err "$TEST_DIR"/m2.err)"
if [ "$rc1" = 1 ]; then loser=1 winner=2; else loser=2 winner=1; fi
grep -qF "'origin' refused the merge of wave 1: 'main' moved on 'origin' since the gate" "$TEST_DIR/m$loser.err" ||
  fail "loser said: $(cat "$TEST_DIR/m$loser.err")"
grep -qF "merged wave 1 of run 'demo'" "$TEST_DIR/m$winner.out" || fail "winner said: $(cat "$TEST_DIR/m$winner.out")"
gated=$(git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r '.waves[0].merged.to')
expect_eq "$gated" "$(git -C "$LEAD2" show refs/wave/demo/state:state.json | jq -r '.waves[0].gate.candidate')"
expect_eq "$(git -C "$SERVER" log -1 --format=%cn "$gated")" "worker lead2" "the candidate is not lead2's"
if [ "$loser" = 1 ]; then L=$LEAD; else L=$LEAD2; fi
# The loser took the remote's record as it was then (the winner's, maybe
# before the winner's last word): nothing of its own claim.
git -C "$SERVER" merge-base --is-ancestor "$(git -C "$L" rev-parse refs/wave/demo/state)" refs/wave/demo/state ||
  fail "the loser kept its own record"
expect_eq "$(on_server refs/heads/main)" "$gated" "the server's main is not the gated candidate"
expect_eq "$(on_server refs/heads/wave/demo/a)" "none" "a's branch stayed on the server"
expect_eq "$(on_server refs/heads/wave/demo/b)" "none" "b's branch stayed on the server"
expect_eq "$(on_server refs/wave/demo/candidate/1)" "none" "the candidate ref stayed on the server"
expect_eq "$(git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r '.waves[0].status')" "merged"
expect_eq "$(git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r '.waves[0].intent')" "null"

test_case "the loser goes on from the remote's record: the next wave starts from the merged main"
if [ "$loser" = 1 ]; then L=$LEAD M=lead; else L=$LEAD2 M=lead2; fi
git -C "$L" pull -q --ff-only origin main
run as_worker "$M" git -C "$L" wave start
expect_rc 0
expect_out "starting wave 2 of run 'demo' from main at $(git -C "$SERVER" rev-parse --short main)"
expect_eq "$(on_server refs/heads/wave/demo/c)" "$gated"
expect_eq "$(git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r '.waves[1].label')" "2"
expect_eq "$(git -C "$L" rev-parse refs/wave/demo/state)" "$(on_server refs/wave/demo/state)"

test_case "an agent's push between the lead's fetch and its push stops the merge on the server's side"
C=$L
as_machine c git clone -q "file://$SERVER" "$TEST_DIR/m-c"
as_machine c git -C "$TEST_DIR/m-c" wave join demo c >/dev/null 2>&1
cwt="$TEST_DIR/m-c.wt/c"
mkdir -p "$cwt/c" && echo one >"$cwt/c/one.txt"
git -C "$cwt" add -A && as_machine c git -C "$cwt" commit -q -m "c: one" && as_machine c git -C "$cwt" push -q
run as_worker "$M" git -C "$C" wave gate
expect_rc 0
echo two >"$cwt/c/two.txt"
git -C "$cwt" add -A && as_machine c git -C "$cwt" commit -q -m "c: two"
main_before=$(on_server refs/heads/main)
: >"$TEST_DIR/hold"
(rc=0; cd "$C" && as_worker "$M" git wave merge >"$TEST_DIR/m3.out" 2>"$TEST_DIR/m3.err" || rc=$?; echo $rc >"$TEST_DIR/m3.rc") &
until_held 1
# The lead fetched and checked c's branch; c pushes before the lead's push lands.
as_machine c git -C "$cwt" push -q
release_pushes
wait
expect_eq "$(cat "$TEST_DIR/m3.rc")" 1
grep -qF "'origin' refused the merge of wave 2: branch 'wave/demo/c' moved on 'origin' since the gate" "$TEST_DIR/m3.err" ||
  fail "the lead said: $(cat "$TEST_DIR/m3.err")"
expect_eq "$(on_server refs/heads/main)" "$main_before"
expect_eq "$(git -C "$C" rev-parse refs/wave/demo/state)" "$(on_server refs/wave/demo/state)"
expect_eq "$(git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r '.waves[1].status')" "gated"

test_case "over git daemon: the same merge lands once gated again"
start_daemon
git -C "$C" remote set-url origin "$DAEMON_URL/server.git"
run as_worker "$M" git -C "$C" wave gate
expect_rc 0
run as_worker "$M" git -C "$C" wave merge
expect_rc 0
expect_out "run 'demo' is complete"
expect_eq "$(on_server refs/heads/main)" "$(git -C "$C" rev-parse main)"
git -C "$SERVER" show main:c/two.txt >/dev/null || fail "c's second commit did not land"
stop_daemon
