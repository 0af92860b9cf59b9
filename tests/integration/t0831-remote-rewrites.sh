#!/usr/bin/env bash
# A run kept on a remote, beyond the straight line: an aborted wave's
# branches are replaced on the server when the wave starts again (their
# work archived, there too); a branch that held a foreign commit on a server
# without the hook is repaired and replaced there; `git wave run` publishes
# and lands every wave, and when the server refuses its landing it stops,
# taking the server's record.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

PLAN='name = "demo"
remote = "origin"
worktrees = "{repo}.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[run]
launch = "sh '"$AGENT"'"
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

on_server() { git -C "$SERVER" rev-parse -q --verify "$1" || echo none; }

# A server without git wave's hook: nothing stops a foreign push there.
git init -q --bare "$SERVER"
make_lead "$PLAN"

test_case "an aborted wave's branches are replaced on the server when it starts again, its work archived there"
start_wave
machine_clone far
as_machine far git -C "$TEST_DIR/far" wave join demo a >/dev/null 2>&1
far_wt="$TEST_DIR/far.wt/a"
mkdir -p "$far_wt/a" && echo "first try" >"$far_wt/a/work.txt"
git -C "$far_wt" add -A && as_machine far git -C "$far_wt" commit -q -m "a: first try"
as_machine far git -C "$far_wt" push -q
first=$(on_server refs/heads/wave/demo/a)
run git -C "$LEAD" wave abort
expect_rc 0
archive=$(git -C "$LEAD" for-each-ref --format='%(refname)' 'refs/wave/demo/archive/')
[ -n "$archive" ] || fail "no archive"
expect_eq "$(on_server "$archive")" "$(git -C "$LEAD" rev-parse "$archive")" "the archive is not on the server"
git -C "$SERVER" merge-base --is-ancestor "$first" "$archive" || fail "a's pushed work is not in the archive"
expect_eq "$(on_server refs/heads/wave/demo/a)" "none" "the aborted wave's branch stayed on the server"
commit_file "$LEAD" notes.txt "the lead moves on"
git -C "$LEAD" push -q origin main
run git -C "$LEAD" wave start
expect_rc 0
expect_eq "$(on_server refs/heads/wave/demo/a)" "$(git -C "$LEAD" rev-parse main)"
expect_eq "$(on_server refs/heads/wave/demo/b)" "$(git -C "$LEAD" rev-parse main)"

test_case "a foreign commit pushed past a server without the hook: repair rewrites the branch and replaces it there"
git -C "$far_wt" fetch -q origin && git -C "$far_wt" reset -q --hard origin/wave/demo/a
mkdir -p "$far_wt/a" "$far_wt/b"
echo "a's work" >"$far_wt/a/work.txt" && echo "not a's" >"$far_wt/b/stolen.txt"
git -C "$far_wt" add -A && as_machine far git -C "$far_wt" commit -q --no-verify -m "a: work and a stray"
as_machine far git -C "$far_wt" push -q
pushed=$(on_server refs/heads/wave/demo/a)
run git -C "$LEAD" wave gate
expect_rc 1
expect_out "b/stolen.txt"
run git -C "$LEAD" wave repair a
expect_rc 0
repaired=$(git -C "$LEAD" rev-parse wave/demo/a)
expect_eq "$(on_server refs/heads/wave/demo/a)" "$repaired" "the server still has the foreign commit"
git -C "$SERVER" cat-file -e "$repaired:a/work.txt" || fail "a's own work is gone"
! git -C "$SERVER" cat-file -e "$repaired:b/stolen.txt" 2>/dev/null || fail "the foreign file is still there"
git -C "$SERVER" for-each-ref --format='%(objectname)' 'refs/wave/demo/archive/' |
  while read -r x; do git -C "$SERVER" merge-base --is-ancestor "$pushed" "$x" && echo kept; done | grep -q kept ||
  fail "the original branch is kept in no archive on the server"
run git -C "$LEAD" wave gate
expect_rc 0
run git -C "$LEAD" wave merge
expect_rc 0
expect_eq "$(on_server refs/heads/main)" "$(git -C "$LEAD" rev-parse main)"

test_case "git wave run with a remote publishes each wave and lands it on the server"
run git -C "$LEAD" wave run
expect_rc 0
expect_eq "$(on_server refs/heads/main)" "$(git -C "$LEAD" rev-parse main)"
git -C "$SERVER" cat-file -e "main:c/work.txt" || fail "c's work did not land on the server"
expect_eq "$(on_server refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"
expect_eq "$(git -C "$SERVER" for-each-ref refs/heads/wave/ | wc -l)" "0" "agent branches left on the server"

test_case "git wave run whose landing the server refuses stops, takes the server's record, and lands when run again"
# A new server and lead, one wave. Its gate moves main on the server once,
# as another lead's merge between this gate and its landing would.
rm -rf "$SERVER" "$TEST_DIR/lead" "$TEST_DIR/lead.wt"
git init -q --bare "$SERVER"
make_lead "${PLAN%%
\[\[agent\]\]
name = \"c\"*}" 'if [ -e "$WAVE_TEST_DIR/move-main" ]; then
  rm "$WAVE_TEST_DIR/move-main"
  git -C "$WAVE_TEST_DIR/mover" push -q origin HEAD:main
fi'
machine_clone mover
commit_file "$TEST_DIR/mover" notes.txt "another lead's merge"
: >"$TEST_DIR/move-main"
run git -C "$LEAD" wave run
expect_rc 1
expect_err "'origin' refused the merge of wave 1: 'main' moved on 'origin' since the gate"
expect_eq "$(on_server refs/heads/main)" "$(git -C "$TEST_DIR/mover" rev-parse HEAD)" "the server's main"
expect_eq "$(git -C "$LEAD" rev-parse refs/wave/demo/state)" "$(on_server refs/wave/demo/state)" \
  "the lead's record is the server's"
run git -C "$LEAD" wave run
expect_rc 0
expect_eq "$(on_server refs/heads/main)" "$(git -C "$LEAD" rev-parse main)"
for f in notes.txt a/work.txt b/work.txt; do
  git -C "$SERVER" cat-file -e "main:$f" || fail "$f is not on the server's main"
done
expect_eq "$(on_server refs/wave/demo/state)" "$(git -C "$LEAD" rev-parse refs/wave/demo/state)"
