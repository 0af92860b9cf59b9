#!/usr/bin/env bash
# Attack, issue 17 item 8: a tree deeper than any walk should go. An agent
# commits (with git fast-import: no checkout, no hook) a file 5,000
# directories down inside the folder it owns. Recursive tree walks crashed
# gate, audit and the server's hook with SIGSEGV; now each refuses the tree
# by name, as git does past core.maxTreeDepth (4096), and exits as a fatal
# error, not a signal.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "sec"
worktrees = "../lead.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

# deep_commit DIR BRANCH: commits a/d/d/.../d/f (5,000 levels) on BRANCH.
deep_commit() {
  local path
  path="a/$(printf 'd/%.0s' $(seq 5000))f"
  {
    echo "commit refs/heads/$2"
    echo "committer A U Thor <author@example.com> 1112911993 +0000"
    echo "data 4"
    echo "deep"
    echo "from refs/heads/$2^0"
    echo "M 100644 inline $path"
    echo "data 2"
    echo "x"
    echo
  } | git -C "$1" fast-import --quiet --force
}

# not_a_crash: the command exited by itself, with git wave's fatal code.
not_a_crash() {
  [ "$RC" -lt 129 ] || fail "it ended by a signal or a usage error (exit $RC): $(cat "$TEST_DIR/err")"
}

test_case "the gate refuses a tree 5,000 directories deep by name, and lands nothing"
serve_run "$PLAN"
deep_commit "$REPO" wave/sec/a
main_before=$(git -C "$REPO" rev-parse main)
run git -C "$REPO" wave gate
not_a_crash
[ "$RC" -ne 0 ] || fail "the gate passed"
grep -q "is more than 4096 directories deep at 'a/d/d/d/" "$TEST_DIR/out" "$TEST_DIR/err" ||
  fail "no message about the depth: $(cat "$TEST_DIR/out" "$TEST_DIR/err")"
run git -C "$REPO" wave merge
[ "$RC" -ne 0 ] || fail "merge landed it"
expect_eq "$(git -C "$REPO" rev-parse main)" "$main_before" "main moved"

test_case "git wave audit refuses it the same way"
run git -C "$REPO" wave audit wave/sec/a
not_a_crash
expect_rc 128
expect_err "is more than 4096 directories deep"

test_case "the server's hook refuses the push, naming why"
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" checkout -q wave/sec/b
git -C "$AGENT" branch -q -f wave/sec/a origin/wave/sec/a
deep_commit "$AGENT" wave/sec/b
run as_machine agent git -C "$AGENT" push origin wave/sec/b
expect_rc 1
expect_err "is more than 4096 directories deep"
expect_eq "$(git -C "$SERVER" rev-parse wave/sec/b)" "$(git -C "$LEAD" rev-parse wave/sec/b)" "the server took it"
