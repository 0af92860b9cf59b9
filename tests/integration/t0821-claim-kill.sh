#!/usr/bin/env bash
# Claims survive kills: `git wave claim` and `git wave release` killed at
# each syscall of theirs that can change the disk (tests/crash/kill_lib.sh),
# then run again, converge: every claim on the server is one the worker's
# clone releases without --force, no agent goes to two claims, and no
# record of a claim the server does not hold is left behind. Needs strace;
# skipped without it.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/crash/kill_lib.sh"

if missing=$(crash_tools_missing); then
  echo "# skipped: $missing; the claim kill test needs it"
  exit 0
fi

PLAN='name = "demo"
worktrees = "{repo}.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
owns = ["c/**"]'

serve_run "$PLAN"
machine_clone w1
W1="$TEST_DIR/w1"
RECORDS="$W1/.git/wave/demo/claimed"

# snapshot NAME / restore NAME: the server and the worker's clone, as they
# are now (restored to the same paths: the clone names the server by path).
snapshot() {
  rm -rf "$TEST_DIR/snap-$1" && mkdir "$TEST_DIR/snap-$1"
  cp -a "$SERVER" "$W1" "$TEST_DIR/snap-$1/"
}
restore() {
  rm -rf "$SERVER" "$W1"
  cp -a "$TEST_DIR/snap-$1/server.git" "$SERVER"
  cp -a "$TEST_DIR/snap-$1/w1" "$W1"
}

# server_claims: "agent=commit" for every claim on the server.
server_claims() {
  git -C "$SERVER" for-each-ref --format='%(refname:lstrip=4)=%(objectname)' refs/wave/demo/claims
}

# converged WHAT: the server's claims are all the worker's: it releases each
# without --force; then the server holds none and the clone keeps no record.
converged() {
  local claim agent
  for claim in $(server_claims); do
    agent=${claim%%=*}
    run as_worker w1 git -C "$W1" wave release "$agent"
    [ "$RC" -eq 0 ] || fail "$1: the worker cannot release its claim of '$agent': $(cat "$TEST_DIR/err")"
  done
  [ -z "$(server_claims)" ] || fail "$1: claims left on the server: $(server_claims)"
  [ -z "$(ls -A "$RECORDS" 2>/dev/null)" ] || fail "$1: records left: $(ls -A "$RECORDS")"
}

# sweep NAME CMD...: kills CMD (a git-wave command, in the worker's clone,
# from snapshot NAME) at each of its points, then checks with check_NAME
# that running the commands again converges.
sweep() {
  local name=$1 sc n rc killed=0 point points
  shift
  restore "$name"
  (cd "$W1" && as_worker w1 traced "$@") >/dev/null 2>"$TEST_DIR/count.err" ||
    fail "$name under strace: $(cat "$TEST_DIR/count.err")"
  mapfile -t points < <(points_traced)
  # WAVE_KILL_STRIDE=N: every N-th point only (the sanitized pass of .ci/run).
  local stride=${WAVE_KILL_STRIDE:-1} i=0
  for point in "${points[@]}"; do
    i=$((i + 1))
    [ $(((i - 1) % stride)) -eq 0 ] || continue
    read -r sc n <<<"$point"
    restore "$name"
    rc=0
    (cd "$W1" && as_worker w1 killed_at "$sc" "$n" "$@") >/dev/null 2>&1 </dev/null || rc=$?
    [ "$rc" -eq 137 ] || continue # not reached this time
    killed=$((killed + 1))
    "check_$name" "$name killed at $sc #$n"
  done
  [ "$killed" -gt 0 ] || fail "$name was never killed"
  echo "# $name: killed at $killed points, each converged"
}

# A claim killed anywhere, then run again: the rerun gets one agent, which no
# claim held before it; the killed run's claim, if it reached the server, is
# the worker's too.
check_claim() {
  local before
  before=$(server_claims)
  run as_worker w1 git -C "$W1" wave claim --name-only
  [ "$RC" -eq 0 ] || fail "$1: the rerun failed: $(cat "$TEST_DIR/err")"
  got=$(cat "$TEST_DIR/out")
  case " $before " in *" $got="*) fail "$1: the rerun claimed '$got' again ($before)" ;; esac
  grep -q "^$got=$(cat "$RECORDS/$got")\$" <<<"$(server_claims)" ||
    fail "$1: the server's claim of '$got' is not the one the clone recorded"
  converged "$1"
}

# A release killed anywhere, then run again: it releases, or says the agent
# is not claimed (the killed run did); either way nothing is left.
check_release() {
  run as_worker w1 git -C "$W1" wave release a
  [ "$RC" -eq 0 ] || { [ "$RC" -eq 1 ] && grep -q "agent 'a' of run 'demo' is not claimed on 'origin'" "$TEST_DIR/err"; } ||
    fail "$1: the rerun failed: $(cat "$TEST_DIR/err")"
  converged "$1"
}

test_case "claim killed at each point: the rerun converges, the worker releases without --force"
snapshot claim
sweep claim git-wave claim --name-only

test_case "release killed at each point: the rerun converges"
restore claim
run as_worker w1 git -C "$W1" wave claim --name-only
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "a"
snapshot release
sweep release git-wave release a

test_case "a record whose push never landed is not a claim: another worker's claim of the agent stays its own"
restore claim
machine_clone w2
run as_worker w2 git -C "$TEST_DIR/w2" wave claim --name-only
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "a"
# What a claim of 'a' killed before its push leaves in w1: a record of a
# commit the server never got.
mkdir -p "$RECORDS"
git -C "$W1" hash-object -t commit -w --stdin <<<"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
author w1 <w1@example.com> 1 +0000
committer w1 <w1@example.com> 1 +0000

claim a of run demo
" >"$RECORDS/a"
run as_worker w1 git -C "$W1" wave release a
expect_rc 1
expect_err "the claim of 'a' is not this clone's: worker w2 <w2@example.com> on "
[ ! -e "$RECORDS/a" ] || fail "the record of the claim that never landed is still there"
run as_worker w1 git -C "$W1" wave claim --name-only
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "b"
