#!/usr/bin/env bash
# Two agents changing one file: the gate fails naming both and the file, and
# nothing is left half-merged anywhere.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
[[agent]]
name = "alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
owns = ["beta/**"]

[[agent]]
name = "gamma"
owns = ["gamma/**"]'

test_case "a conflicting pair of agents fails the gate with both names and the file"
make_repo conflict "$PLAN"
commit_file "$REPO" shared/config.txt "x = 1"
start_wave
work alpha shared/config.txt "x = 2" --no-verify
work beta beta/ok.txt "fine"
work gamma shared/config.txt "x = 3" --no-verify
refs_before=$(git -C "$REPO" for-each-ref --format='%(refname) %(objectname)' refs/heads)
status_before=$(git -C "$REPO" status --porcelain)
run git -C "$REPO" wave gate
expect_rc 1
expect_out "merge conflict: 'gamma' conflicts with 'alpha' in 'shared/config.txt'"
expect_eq "$(git -C "$REPO" for-each-ref --format='%(refname) %(objectname)' refs/heads)" "$refs_before"
expect_eq "$(git -C "$REPO" status --porcelain)" "$status_before"
expect_eq "$(git -C "$REPO" for-each-ref refs/wave/demo/candidate)" ""
[ ! -e "$REPO/.git/MERGE_HEAD" ] || fail "a merge was left in progress"
for a in alpha beta gamma; do
  expect_eq "$(git -C "$(wt $a)" status --porcelain)" "" "$a's worktree"
done
run git -C "$REPO" wave gate --json
expect_out '"agent": "gamma"'
expect_out '"with": ['
expect_out '"shared/config.txt"'
