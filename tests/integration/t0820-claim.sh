#!/usr/bin/env bash
# Claiming work without a lead: workers on many machines (clones with their
# own HOMEs) take agents of the current wave by creating claim refs on the
# server; of workers racing, each agent goes to exactly one.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "demo"
worktrees = "{repo}.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
task = "Write a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
owns = ["c/**"]
[[agent]]
name = "d"
after = ["a"]
owns = ["d/**"]'

serve_run "$PLAN"
for w in 1 2 3 4 5; do
  machine_clone "w$w"
done

test_case "five workers claim at once: every agent of the wave is claimed exactly once"
for w in 1 2 3 4 5; do
  (
    rc=0
    cd "$TEST_DIR/w$w" && as_worker "w$w" git wave claim --name-only >"$TEST_DIR/claim$w.out" 2>"$TEST_DIR/claim$w.err" || rc=$?
    echo "$rc" >"$TEST_DIR/claim$w.rc"
  ) &
done
wait
got=$(cat "$TEST_DIR"/claim?.out | sort | tr '\n' ' ')
expect_eq "$got" "a b c " "the claims made"
expect_eq "$(cat "$TEST_DIR"/claim?.rc | sort | tr '\n' ' ')" "0 0 0 1 1 "
grep -l "every agent of wave 1 of run 'demo' is claimed" "$TEST_DIR"/claim?.err >/dev/null ||
  fail "the workers left without one were not told why: $(cat "$TEST_DIR"/claim?.err)"
expect_eq "$(git -C "$SERVER" for-each-ref --format='%(refname)' refs/wave/demo/claims | tr '\n' ' ')" \
  "refs/wave/demo/claims/a refs/wave/demo/claims/b refs/wave/demo/claims/c "

test_case "claim prints the name and the brief; the claim says who holds it"
holder=$(grep -l '^a$' "$TEST_DIR"/claim?.out | sed 's/.*claim\([0-9]\).out/\1/')
git -C "$LEAD" fetch -q origin '+refs/wave/demo/claims/*:refs/wave/demo/claims/*'
run git -C "$LEAD" wave status
expect_rc 0
expect_out "a: by worker w$holder <w$holder@example.com> on "
run git -C "$LEAD" wave status --json
expect_eq "$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print([a["claimed_by"] is not None for a in s["agents"]])' "$TEST_DIR/out")" "[True, True, True]"

test_case "release gives an agent back, only by its holder (or with --force); the next claim takes it"
other=$(( holder % 5 + 1 ))
run as_worker "w$other" git -C "$TEST_DIR/w$other" wave release a
expect_rc 1
expect_err "the claim of 'a' is not this clone's: worker w$holder <w$holder@example.com> on "
run as_worker "w$holder" git -C "$TEST_DIR/w$holder" wave release a
expect_rc 0
expect_out "released agent 'a' of run 'demo' on 'origin'"
run as_worker "w$other" git -C "$TEST_DIR/w$other" wave claim
expect_rc 0
expect_eq "$(head -1 "$TEST_DIR/out")" "a"
expect_out "# Brief for agent 'a' (run 'demo', wave 1)"
run git -C "$LEAD" wave release --force a
expect_rc 0
run as_worker "w$other" git -C "$TEST_DIR/w$other" wave release a
expect_rc 1
expect_err "agent 'a' of run 'demo' is not claimed on 'origin'"

test_case "claim says what is wrong: no run there, several runs, no remote"
git init -q --bare "$TEST_DIR/empty.git"
git -C "$TEST_DIR/w1" remote add empty "file://$TEST_DIR/empty.git"
run as_worker w1 git -C "$TEST_DIR/w1" wave claim --remote empty
expect_rc 128
expect_err "'empty' has no run"
run as_worker w1 git -C "$TEST_DIR/w1" wave claim --remote nowhere
expect_rc 128
expect_err "there is no remote 'nowhere'"
