#!/usr/bin/env bash
# Attack, issue 17 (server side): agents with push access push what is not
# theirs. Agent a pushes to, force-pushes and deletes b's branch; steals b's
# claim; creates and deletes archives; pushes refs git wave never writes
# under refs/wave/<run>/. Without roles the server still refuses what no
# flow does (a branch or archive deleted without the state that says why,
# unknown run refs); with roles (wave.receive.lead, wave.receive.agent) and
# the pusher's identity (here WAVE_PUSHER, as an SSH forced command sets it;
# git hands the pusher's environment to the hook over file://), an agent
# pushes only its own branch and claims, and anyone else nothing. What the
# hook prints escapes control characters, and a refusal lists at most 10
# details.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "pushers"
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

serve_run "$PLAN"
machine_clone alice
machine_clone bob
ALICE="$TEST_DIR/alice"
BOB="$TEST_DIR/bob"
as_alice() { as_machine alice env WAVE_PUSHER=alice "$@"; }
as_bob() { as_machine bob env WAVE_PUSHER=bob "$@"; }
on_server() { git -C "$SERVER" rev-parse -q --verify "$1" || echo none; }
BASE=$(on_server refs/heads/wave/pushers/b)

git -C "$BOB" checkout -q wave/pushers/b
mkdir -p "$BOB/b" && echo "b's work" >"$BOB/b/work.txt"
git -C "$BOB" add -A && git -C "$BOB" commit -q -m "b: work"
run as_bob git -C "$BOB" push -q origin wave/pushers/b
expect_rc 0
B_TIP=$(on_server refs/heads/wave/pushers/b)
git -C "$ALICE" fetch -q origin

test_case "without roles: deleting another agent's branch, or an archive, without a state move is refused"
run as_alice git -C "$ALICE" push origin :wave/pushers/b
expect_rc 1
expect_err "remote: error: refs/heads/wave/pushers/b: the branch of agent 'b' is deleted only in a push that moves the state of run 'pushers'"
expect_err "hint: a lead's 'git wave merge' or 'git wave abort' deletes it"
expect_eq "$(on_server refs/heads/wave/pushers/b)" "$B_TIP"
run git -C "$LEAD" push origin "main:refs/wave/pushers/archive/1-1"
expect_rc 0
run as_alice git -C "$ALICE" push origin :refs/wave/pushers/archive/1-1
expect_rc 1
expect_err "an archive is deleted only in a push that moves the state of run 'pushers'"
expect_eq "$(on_server refs/wave/pushers/archive/1-1)" "$(git -C "$LEAD" rev-parse main)"

test_case "without roles: refs git wave never writes under refs/wave/ are refused"
for ref in refs/wave/pushers/evil refs/wave/pushers/claims/a/deeper refs/wave/pushers/archive/x/y refs/wave/nothing; do
  run as_alice git -C "$ALICE" push origin "main:$ref"
  expect_rc 1
  expect_err "remote: error: $ref: git wave writes no such ref"
  expect_eq "$(on_server "$ref")" none
done

test_case "with roles configured, a push that names no pusher is refused, naming the config to set"
git -C "$SERVER" config --add wave.receive.lead lead
git -C "$SERVER" config --add wave.receive.agent "alice a"
git -C "$SERVER" config --add wave.receive.agent "bob pushers/b"
git -C "$ALICE" checkout -q wave/pushers/a
mkdir -p "$ALICE/a" && echo "a's work" >"$ALICE/a/work.txt"
git -C "$ALICE" add -A && git -C "$ALICE" commit -q -m "a: work"
run as_machine alice git -C "$ALICE" push origin wave/pushers/a
expect_rc 1
expect_err "remote: error: refs/heads/wave/pushers/a: this push names no pusher"
expect_err "git config --add wave.receive.lead IDENTITY, or wave.receive.agent 'IDENTITY RUN/AGENT'"
expect_err "GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER, WAVE_PUSHER"

test_case "an identity without a role is refused, named; git passed the pusher's environment to the hook"
run as_machine alice env WAVE_PUSHER=mallory git -C "$ALICE" push origin wave/pushers/a
expect_rc 1
expect_err "pusher 'mallory' (WAVE_PUSHER) has no role on this server"

test_case "the identity is shown with its control characters escaped, on one line"
run as_machine alice env WAVE_PUSHER="$(printf 'mal\nlory\033[31m')" git -C "$ALICE" push origin wave/pushers/a
expect_rc 1
expect_err "pusher 'mal\\nlory\\e[31m' (WAVE_PUSHER) has no role on this server"
! grep -q "$(printf '\033')" "$TEST_DIR/err" || fail "an escape character reached the pusher's terminal"

test_case "wave.receive.identityFrom names where the identity is read"
git -C "$SERVER" config wave.receive.identityFrom WHO
run as_machine alice env WHO=alice WAVE_PUSHER=mallory git -C "$ALICE" push origin wave/pushers/a
expect_rc 0
git -C "$SERVER" config --unset wave.receive.identityFrom

test_case "an agent pushes its own branch"
echo "more" >>"$ALICE/a/work.txt"
git -C "$ALICE" commit -q -am "a: more"
run as_alice git -C "$ALICE" push origin wave/pushers/a
expect_rc 0
expect_eq "$(on_server refs/heads/wave/pushers/a)" "$(git -C "$ALICE" rev-parse HEAD)"
git -C "$ALICE" commit -q --amend -m "a: more, reworded"
run as_alice git -C "$ALICE" push --force origin wave/pushers/a
expect_rc 0

test_case "an agent may not push, force-push or delete another agent's branch"
git -C "$ALICE" checkout -q -b b-stolen "origin/wave/pushers/b"
mkdir -p "$ALICE/b" && echo "b's, by a" >"$ALICE/b/work.txt"
git -C "$ALICE" commit -q -am "b: by a"
run as_alice git -C "$ALICE" push origin b-stolen:wave/pushers/b
expect_rc 1
expect_err "remote: error: refs/heads/wave/pushers/b: pusher 'alice' is not agent 'b' of run 'pushers'"
run as_alice git -C "$ALICE" push --force origin "$BASE:refs/heads/wave/pushers/b"
expect_rc 1
expect_err "pusher 'alice' is not agent 'b' of run 'pushers'"
run as_alice git -C "$ALICE" push origin :wave/pushers/b
expect_rc 1
expect_err "pusher 'alice' is not agent 'b' of run 'pushers'"
expect_eq "$(on_server refs/heads/wave/pushers/b)" "$B_TIP"

test_case "an agent may not delete or create its own branch: the lead's start and merge do"
run as_alice git -C "$ALICE" push origin :wave/pushers/a
expect_rc 1
expect_err "agent 'a' may not delete its branch"
run as_alice git -C "$ALICE" push origin "main:refs/heads/wave/other/a"
expect_rc 1
expect_err "agent 'a' may not create its branch"

test_case "a run-bound grant covers that run only"
run as_bob git -C "$BOB" push origin "wave/pushers/b:refs/heads/wave/other/b"
expect_rc 1
expect_err "pusher 'bob' is not agent 'b' of run 'other'"

test_case "claims: an agent takes and releases its own, never another's"
tip=$(git -C "$BOB" rev-parse HEAD)
run as_bob git -C "$BOB" push origin "$tip:refs/wave/pushers/claims/b"
expect_rc 0
run as_alice git -C "$ALICE" push origin :refs/wave/pushers/claims/b
expect_rc 1
expect_err "remote: error: refs/wave/pushers/claims/b: pusher 'alice' is not agent 'b' of run 'pushers'"
expect_eq "$(on_server refs/wave/pushers/claims/b)" "$tip"
run as_bob git -C "$BOB" push origin :refs/wave/pushers/claims/b
expect_rc 0
run as_alice git -C "$ALICE" push origin "$tip:refs/wave/pushers/claims/b"
expect_rc 1
expect_err "pusher 'alice' is not agent 'b' of run 'pushers'"
run as_alice git -C "$ALICE" push origin "$tip:refs/wave/pushers/claims/a"
expect_rc 0

test_case "an agent may not create or delete archives, candidates, states, or other branches"
for spec in "main:refs/wave/pushers/archive/2-1" ":refs/wave/pushers/archive/1-1" "main:refs/wave/pushers/candidate/1" "main:refs/heads/feature"; do
  run as_alice git -C "$ALICE" push origin "$spec"
  expect_rc 1
  expect_err "pusher 'alice' is an agent: it may not change this ref"
done
expect_eq "$(on_server refs/wave/pushers/archive/1-1)" "$(git -C "$LEAD" rev-parse main)"
expect_eq "$(on_server refs/wave/pushers/archive/2-1)" none

test_case "a lead pushes what the rules every server keeps let through"
run env WAVE_PUSHER=lead git -C "$LEAD" push origin "main:refs/heads/feature"
expect_rc 0
run env WAVE_PUSHER=lead git -C "$LEAD" push origin "main:refs/wave/pushers/evil"
expect_rc 1
expect_err "git wave writes no such ref"

test_case "a refusal lists at most 10 details, then how many more"
git -C "$ALICE" checkout -q wave/pushers/a
mkdir -p "$ALICE/b/many"
for i in $(seq 1 12); do echo "$i" >"$ALICE/b/many/f$i.txt"; done
git -C "$ALICE" add -A && git -C "$ALICE" commit -q --no-verify -m "a: takes 12 of b's files"
run as_alice git -C "$ALICE" push origin wave/pushers/a
expect_rc 1
expect_err "... and 2 more"
expect_eq "$(grep -c "is owned by 'b'" "$TEST_DIR/err")" 10

test_case "a signed push names its key when git verified it (receive.certNonceSeed)"
if ! command -v gpg >/dev/null; then
  [ "${WAVE_REQUIRE_TOOLS:-0}" != 1 ] || fail "gpg is not installed (WAVE_REQUIRE_TOOLS=1; .ci/setup installs it)"
  echo "# gpg is not installed: skipped" >&2
else
  export GNUPGHOME="$TEST_DIR/gnupg"
  mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "Alice <alice@example.com>" default default never 2>/dev/null ||
    fail "cannot make a key"
  key=$(gpg --batch --with-colons --list-keys alice@example.com 2>/dev/null | awk -F: '/^pub/ { print $5; exit }')
  git -C "$SERVER" config receive.certNonceSeed "seed-for-the-test"
  git -C "$SERVER" config wave.receive.identityFrom GIT_PUSH_CERT_KEY
  git -C "$SERVER" config --add wave.receive.agent "$key a"
  git -C "$ALICE" reset -q --hard HEAD^
  echo "signed" >>"$ALICE/a/work.txt"
  git -C "$ALICE" commit -q -am "a: signed"
  run as_machine alice env GNUPGHOME="$GNUPGHOME" git -C "$ALICE" -c user.signingkey="$key" push --signed origin wave/pushers/a
  expect_rc 0
  # Unsigned, the same push names nobody (WAVE_PUSHER is not read now).
  echo "unsigned" >>"$ALICE/a/work.txt"
  git -C "$ALICE" commit -q -am "a: unsigned"
  run as_alice git -C "$ALICE" push origin wave/pushers/a
  expect_rc 1
  expect_err "this push names no pusher"
  expect_err "the identity is read from GIT_PUSH_CERT_KEY"
  gpgconf --kill gpg-agent 2>/dev/null || true
fi
