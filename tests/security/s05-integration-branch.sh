#!/usr/bin/env bash
# Attack, issue 17 (server side): the integration branch. Anyone with push
# access (a hostile agent, or a lead's clone driven by a confused tool)
# pushes to main, rewinds it, deletes it; pushes a candidate that passed a
# gate to it without the merge, or with a state forged in the same atomic
# push; pushes the candidate of an older gate of the wave, or of another
# run. Once git wave's hook is installed, whatever the roles: a run's
# integration branch, while the run has waves to land, is never deleted and
# moves only forward, only to the passed candidate of the wave whose merge
# the run's state records in the same push, that gate's record being on the
# server already. The lead's own merge still lands.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/security/forge_lib.sh"

PLAN='name = "int"
allow_empty = true
worktrees = "../lead.wt/{agent}"
protected = ["wave.toml"]
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
after = ["a"]
owns = ["c/**"]'

serve_run "$PLAN"
machine_clone mallory
EVIL="$TEST_DIR/mallory"
on_server() { git -C "$SERVER" rev-parse -q --verify "$1" || echo none; }
MAIN=$(on_server main)
main_kept() { expect_eq "$(on_server main)" "$MAIN" "main moved"; }
GUARD="'main' is the integration branch of run 'int'"
NONE="'main' moves only to the candidate that passed the gate of a wave, recorded on this server before, whose merge the state of run 'int' records in the same push"

test_case "a commit pushed to main, even fast-forward, is refused while the run has waves to land"
echo "sneaky" >"$EVIL/sneaky.txt"
git -C "$EVIL" add -A && git -C "$EVIL" commit -q -m "sneaky"
run as_machine mallory git -C "$EVIL" push origin main
expect_rc 1
expect_err "remote: error: refs/heads/main: $NONE, and $(git -C "$EVIL" rev-parse --short=7 HEAD) is none"
expect_err "hint: land waves with 'git wave merge'"
main_kept

test_case "main rewound, or replaced by unrelated history, is refused: it moves only forward"
run as_machine mallory git -C "$EVIL" push --force origin "$MAIN^:refs/heads/main"
expect_rc 1
expect_err "remote: error: refs/heads/main: $GUARD: it moves only forward"
root=$(git -C "$EVIL" commit-tree "$(git -C "$EVIL" rev-parse HEAD^{tree})" -m "unrelated")
run as_machine mallory git -C "$EVIL" push --force origin "$root:refs/heads/main"
expect_rc 1
expect_err "$GUARD: it moves only forward"
main_kept

test_case "main is never deleted, not even by a lead"
run git -C "$LEAD" push origin :main
expect_rc 1
expect_err "remote: error: refs/heads/main: $GUARD: it is never deleted"
main_kept

test_case "a candidate that passed its gate is refused without the merge that lands it"
work a a/x.txt "a's work"
work b b/y.txt "b's first try"
run git -C "$LEAD" wave gate
expect_rc 0
OLDER=$(git -C "$LEAD" rev-parse refs/wave/int/candidate/1)
git -C "$LEAD" update-ref refs/keep/older "$OLDER"
run push_run
expect_rc 0
run git -C "$LEAD" push origin "$OLDER:refs/heads/main"
expect_rc 1
expect_err "$NONE, and ${OLDER:0:7} is none"
main_kept

test_case "the candidate of an older gate of the wave is refused, even with a state recording its merge"
work b b/y.txt "b's second try"
run git -C "$LEAD" wave gate
expect_rc 0
CAND=$(git -C "$LEAD" rev-parse refs/wave/int/candidate/1)
[ "$CAND" != "$OLDER" ] || fail "the second gate made the same candidate"
run push_run --force
expect_rc 0
fetch_run "$EVIL"
git -C "$EVIL" fetch -q origin
git -C "$EVIL" fetch -q "$LEAD" refs/keep/older
STATE=$(on_server refs/wave/int/state)
older=$(forge "$EVIL" "$STATE" "
w = s['waves'][0]
w['status'] = 'merged'
w['gate']['candidate'] = '$OLDER'
w['merged'] = {'from': '$MAIN', 'to': '$OLDER'}")
run as_machine mallory git -C "$EVIL" push --force --atomic origin "$older:refs/wave/int/state" "$OLDER:refs/heads/main"
expect_rc 1
expect_err "$NONE, and ${OLDER:0:7} is none"
main_kept

test_case "an attacker's commit recorded as the passed candidate in the same atomic push is refused"
evil=$(git -C "$EVIL" commit-tree "$(git -C "$EVIL" rev-parse HEAD^{tree})" -p "$MAIN" -m "evil")
forged=$(forge "$EVIL" "$STATE" "
w = s['waves'][0]
w['status'] = 'merged'
w['gate']['candidate'] = '$evil'
w['merged'] = {'from': '$MAIN', 'to': '$evil'}")
run as_machine mallory git -C "$EVIL" push --force --atomic origin "$forged:refs/wave/int/state" "$evil:refs/heads/main"
expect_rc 1
expect_err "$NONE, and ${evil:0:7} is none"
main_kept

test_case "a brand-new run recording the attacker's commit as merged cannot land it"
newrun=$(forge "$EVIL" "$forged" "s['run'] = 'fresh'")
run as_machine mallory git -C "$EVIL" push --force --atomic origin "$newrun:refs/wave/fresh/state" "$evil:refs/heads/main"
expect_rc 1
expect_err "$NONE, and ${evil:0:7} is none"
expect_eq "$(on_server refs/wave/fresh/state)" none
main_kept

test_case "the candidate of another run's gate is refused"
# Run 'other' on the same server and branch gates its own wave.
OTHER_PLAN=$(printf '%s\n' "$PLAN" | sed 's/^name = "int"/name = "other"/; s|\.\./lead\.wt/{agent}|../other.wt/{agent}|')
git -C "$LEAD" checkout -q -b other-base
printf '%s\n' "$OTHER_PLAN" >"$LEAD/other.toml"
git -C "$LEAD" add other.toml && git -C "$LEAD" commit -q -m "other plan"
run git -C "$LEAD" wave start --plan other.toml
expect_rc 0
commit_file "$TEST_DIR/other.wt/a" a/other.txt "other's work"
run git -C "$LEAD" wave gate --run other
expect_rc 0
FOREIGN=$(git -C "$LEAD" rev-parse refs/wave/other/candidate/1)
git -C "$LEAD" checkout -q main
crossed=$(forge "$EVIL" "$STATE" "
w = s['waves'][0]
w['status'] = 'merged'
w['gate']['candidate'] = '$FOREIGN'
w['merged'] = {'from': '$MAIN', 'to': '$FOREIGN'}")
git -C "$LEAD" push -q origin "$FOREIGN:refs/heads/other-candidate"
git -C "$EVIL" fetch -q origin other-candidate
run as_machine mallory git -C "$EVIL" push --force --atomic origin "$crossed:refs/wave/int/state" "$FOREIGN:refs/heads/main"
expect_rc 1
expect_err "moves only to the candidate that passed the gate of a wave, recorded on this server before"
main_kept

test_case "the lead's merge lands: the state that records it, main, and the branches deleted, in one atomic push"
run git -C "$LEAD" wave merge --run int
expect_rc 0
run git -C "$LEAD" push --atomic origin refs/wave/int/state:refs/wave/int/state main:main \
  :refs/heads/wave/int/a :refs/heads/wave/int/b :refs/wave/int/candidate/1
expect_rc 0
expect_eq "$(on_server main)" "$CAND"
MAIN=$CAND

test_case "after the merge, main still moves only forward while the run has waves to land"
run as_machine mallory git -C "$EVIL" push --force origin "$OLDER:refs/heads/main"
expect_rc 1
expect_err "$GUARD: it moves only forward"
main_kept

test_case "once every wave of the run is merged, main is free again; wave.receive.gatedOnly keeps it guarded"
run git -C "$LEAD" wave start
expect_rc 0
work c c/z.txt "c's work"
run git -C "$LEAD" wave gate --run int
expect_rc 0
run git -C "$LEAD" push --atomic origin refs/wave/int/state:refs/wave/int/state refs/wave/int/candidate/2:refs/wave/int/candidate/2
expect_rc 0
run git -C "$LEAD" wave merge --run int
expect_rc 0
run git -C "$LEAD" push --atomic origin refs/wave/int/state:refs/wave/int/state main:main \
  :refs/heads/wave/int/c :refs/wave/int/candidate/2
expect_rc 0
MAIN=$(git -C "$LEAD" rev-parse main)
expect_eq "$(on_server main)" "$MAIN"
git -C "$EVIL" fetch -q origin main
after=$(git -C "$EVIL" commit-tree "$(git -C "$EVIL" rev-parse FETCH_HEAD^{tree})" -p "$MAIN" -m "after the run")
run as_machine mallory git -C "$EVIL" push origin "$after:refs/heads/main"
expect_rc 0
MAIN=$after
git -C "$SERVER" config wave.receive.gatedOnly true
run as_machine mallory git -C "$EVIL" push --force origin "$OLDER:refs/heads/main"
expect_rc 1
expect_err "$GUARD: it moves only forward"
main_kept
