#!/usr/bin/env bash
# Attack, issue 17 item 10: paths that are one file on macOS and Windows.
# Agent 'a' owns lib/**; 'b', in the next wave, owns LIB/readme.md, and
# Conf/secret.toml is protected. On a file system that folds case, a's
# lib/README.md is b's file and conf/secret.toml the protected one: the
# plan check cannot see it (different waves; a protected path is no
# agent's), so the one audit does. The gate, `git wave audit` and the
# server refuse such a push; with case_sensitive = true they let it be.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/remote_lib.sh"

PLAN='name = "sec"
worktrees = "../lead.wt/{agent}"
protected = ["wave.toml", "Conf/secret.toml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
owns = ["lib/**", "conf/**"]
[[agent]]
name = "b"
after = ["a"]
owns = ["LIB/readme.md"]'

test_case "the gate refuses a path that is another agent's, or a protected one, once case is folded"
serve_run "$PLAN"
work a lib/README.md "mine, or b's?"
work a conf/secret.toml "overwrites the protected one on macOS"
work a lib/ok.c "mine"
run git -C "$REPO" wave gate
expect_rc 1
expect_out "'lib/README.md' is one file on macOS and Windows with a path owned by 'b'"
expect_out "'conf/secret.toml' is one file on macOS and Windows with a protected path"
expect_no_out "'lib/ok.c'"

test_case "git wave audit says the same, and --json marks the finding as an alias"
run git -C "$REPO" wave audit wave/sec/a --json
expect_rc 1
expect_out '"alias": true'

test_case "the server refuses the agent's push of such a path"
machine_clone agent
AGENT="$TEST_DIR/agent"
git -C "$AGENT" checkout -q wave/sec/a
mkdir -p "$AGENT/lib"
echo "pushed" >"$AGENT/lib/README.md"
git -C "$AGENT" add -A && git -C "$AGENT" commit -q --no-verify -m "a: readme"
run as_machine agent git -C "$AGENT" push origin wave/sec/a
expect_rc 1
expect_err "'lib/README.md' is one file on macOS and Windows with a path owned by 'b'"

test_case "with case_sensitive = true the plan says the repository never meets such a file system"
rm -rf "$TEST_DIR/server.git" "$TEST_DIR/lead" "$TEST_DIR/lead.wt"
serve_run "case_sensitive = true
$PLAN"
work a lib/README.md "mine"
run git -C "$REPO" wave gate
expect_rc 0
