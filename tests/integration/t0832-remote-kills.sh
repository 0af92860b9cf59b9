#!/usr/bin/env bash
# A run kept on a remote, and merges killed at the push while other machines
# go on: a claim that never landed is dropped once it cannot land; a merge
# that landed is finished by any clone; a squashed wave's branches leave the
# server only with the archive that keeps their commits; a merge made
# without --remote is published with its integration move, never without.
# The server holds the merge's push (remote_lib.sh) while git-wave is killed.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

plan() {
  printf 'name = "demo"\n%sworktrees = "{repo}.wt/{agent}"\nmerge = "%s"\n' "$1" "$2"
  printf '[gate]\ncommands = ["sh gate.sh"]\n'
  printf '[[agent]]\nname = "a"\nowns = ["a/**"]\n[[agent]]\nname = "b"\nowns = ["b/**"]\n'
  printf '[[agent]]\nname = "c"\nafter = ["a"]\nowns = ["c/**"]\n'
}
on_server() { git -C "$SERVER" rev-parse -q --verify "$1" || echo none; }
server_state() { git -C "$SERVER" show refs/wave/demo/state:state.json | jq -r "$1"; }

# fresh_run REMOTE_LINE MERGE: a new server and lead (wave 1 started there),
# a's work pushed from another machine, b's committed by the lead.
fresh_run() {
  rm -rf "$TEST_DIR/server.git" "$TEST_DIR/lead" "$TEST_DIR/lead.wt" "$TEST_DIR/far" "$TEST_DIR/far.wt" \
    "$TEST_DIR"/home-* "$TEST_DIR/hold" "$TEST_DIR/refuse"
  make_server
  make_lead "$(plan "$1" "$2")"
  git -C "$LEAD" wave start ${3:-} >/dev/null
  machine_clone far
  as_machine far git -C "$TEST_DIR/far" wave join demo a >/dev/null 2>&1
  local wt_a="$TEST_DIR/far.wt/a"
  mkdir -p "$wt_a/a"
  echo one >"$wt_a/a/one.txt" && git -C "$wt_a" add -A && as_machine far git -C "$wt_a" commit -q -m "a: one"
  echo two >"$wt_a/a/two.txt" && git -C "$wt_a" add -A && as_machine far git -C "$wt_a" commit -q -m "a: two"
  as_machine far git -C "$wt_a" push -q
  work b b/x.txt "b's work"
}

# merge_killed_at_push: git wave merge in the lead, killed (-9) while the
# server holds its landing push; the push then lands, or not with $1 = refuse.
merge_killed_at_push() {
  hold_state_pushes
  [ "${1:-}" != refuse ] || : >"$TEST_DIR/refuse"
  (cd "$LEAD" && exec git-wave merge >"$TEST_DIR/killed.out" 2>&1) &
  local pid=$!
  until_held 1
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  release_pushes
  # The push git-wave had started goes on alone: wait for it to end.
  for _ in $(seq 100); do pgrep -f "git push.*--atomic" >/dev/null || break; sleep 0.05; done
  rm -f "$TEST_DIR/refuse" "$SERVER/hooks/pre-receive.wave-chained"
}

test_case "a merge killed before its push lands, then main moves there: the claim is dropped, the wave gated again"
fresh_run 'remote = "origin"
' merge
run git -C "$LEAD" wave gate
expect_rc 0
merge_killed_at_push refuse
expect_eq "$(server_state '.waves[0].status')" "gated" "the server took the claim"
expect_eq "$(git -C "$LEAD" show refs/wave/demo/state:state.json | jq -r '.waves[0].intent.kind')" "merge"
machine_clone other
commit_file "$TEST_DIR/other" docs.txt "someone else's commit"
# The server's hook refuses any push moving main while the run has waves to
# land (not only a wave's merge): main moves on the server itself, as an
# administrator would move it, with no hook.
run as_machine other git -C "$TEST_DIR/other" push -q origin main
expect_rc 1
expect_err "'main' moves only to the candidate that passed the gate of a wave"
git -C "$SERVER" fetch -q "$TEST_DIR/other" main:main
run git -C "$LEAD" wave merge
expect_rc 1
expect_err "the merge of wave 1 that an interrupted command recorded here cannot land on 'origin'"
expect_err "the integration branch 'main' moved since the gate"
expect_eq "$(git -C "$LEAD" rev-parse refs/wave/demo/state)" "$(on_server refs/wave/demo/state)"
run git -C "$LEAD" wave gate
expect_rc 0
run git -C "$LEAD" wave merge
expect_rc 0
expect_eq "$(on_server refs/heads/main)" "$(git -C "$LEAD" rev-parse main)"
git -C "$SERVER" cat-file -e main:docs.txt || fail "the other commit is not in main"
git -C "$SERVER" cat-file -e main:a/two.txt || fail "a's work is not in main"

test_case "a merge killed after its push landed is finished by another clone whose main is behind"
fresh_run 'remote = "origin"
' merge
machine_clone behind
git -C "$TEST_DIR/behind" reset -q --hard HEAD^
run git -C "$LEAD" wave gate
expect_rc 0
merge_killed_at_push
candidate=$(server_state '.waves[0].merged.to')
expect_eq "$(on_server refs/heads/main)" "$candidate" "the landing push did not land"
expect_eq "$(server_state '.waves[0].intent.kind')" "merge"
run as_machine behind git -C "$TEST_DIR/behind" wave status --remote origin
expect_rc 0
run as_machine behind git -C "$TEST_DIR/behind" wave merge
expect_rc 0
expect_err "finished the merge of wave 1 that a killed 'git wave merge' left"
expect_out "(finishing an interrupted merge)"
expect_eq "$(git -C "$TEST_DIR/behind" rev-parse main)" "$candidate"
expect_eq "$(git -C "$TEST_DIR/behind" status --porcelain)" ""
expect_eq "$(server_state '.waves[0].status')" "merged"
expect_eq "$(server_state '.waves[0].intent')" "null"
expect_eq "$(on_server refs/heads/main)" "$candidate"
# The lead, killed, goes on: the merge is done there, its worktrees and
# branches of wave 1 go as that merge would have removed them.
run git -C "$LEAD" wave start
expect_rc 0
expect_out "starting wave 2 of run 'demo' from main at $(git -C "$SERVER" rev-parse --short "$candidate")"
expect_err "wave 1 was merged on another machine: removed worktree '$LEAD.wt/a'"
[ ! -e "$LEAD.wt/a" ] && [ ! -e "$LEAD.wt/b" ] || fail "the lead's worktrees of wave 1 stayed"
expect_eq "$(git -C "$LEAD" branch --list 'wave/demo/a' 'wave/demo/b')" ""

test_case "squash: a merge killed after its push leaves the agent's branch on the server until its archive is there"
fresh_run 'remote = "origin"
' squash
a_tip=$(on_server refs/heads/wave/demo/a)
run git -C "$LEAD" wave gate
expect_rc 0
merge_killed_at_push
expect_eq "$(on_server refs/heads/main)" "$(server_state '.waves[0].merged.to')"
expect_eq "$(on_server refs/heads/wave/demo/a)" "$a_tip" "a's commits left the server before their archive"
run git -C "$LEAD" wave merge
expect_eq "$(on_server refs/heads/wave/demo/a)" "none"
archive=$(git -C "$SERVER" for-each-ref --format='%(refname)' refs/wave/demo/archive/)
[ -n "$archive" ] || fail "no archive on the server"
git -C "$SERVER" merge-base --is-ancestor "$a_tip" "$archive" || fail "a's commits are in no archive on the server"

test_case "a merge made without the remote is published with its integration move, or not at all"
fresh_run "" merge "--remote origin"
expect_eq "$(on_server refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"
run git -C "$LEAD" wave gate --remote origin
expect_rc 0
run git -C "$LEAD" wave merge
expect_rc 0
expect_eq "$(server_state '.waves[0].status')" "gated" "a merge without --remote reached the server"
run git -C "$LEAD" wave start --remote origin
expect_rc 0
expect_err "published to 'origin' what an interrupted command recorded here"
expect_eq "$(on_server refs/heads/main)" "$(server_state '.waves[0].merged.to')"
git -C "$SERVER" cat-file -e main:a/two.txt || fail "a's work is not in the server's main"
expect_eq "$(on_server refs/heads/wave/demo/c)" "$(on_server refs/heads/main)"
