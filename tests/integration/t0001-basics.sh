#!/usr/bin/env bash
# The command itself: help, version, unknown commands and exit codes.
. "$(dirname "$0")/lib.sh"

test_case "git wave -h lists the commands"
run git wave -h
expect_rc 0
expect_out "usage: git wave"
expect_out "plan"

test_case "git wave with no command is a usage error"
run git wave
expect_rc 129

test_case "an unknown command suggests the nearest one"
run git wave paln
expect_rc 129
expect_err "error: 'paln' is not a git wave command"
expect_err "hint: did you mean 'plan'?"

test_case "--version names the tool"
run git wave --version
expect_rc 0
expect_out "git-wave version"

test_case "--list-cmds lists every command, one per line"
run git wave --list-cmds
expect_rc 0
expect_out "plan"
expect_out "owner"

test_case "--git-completion-helper lists a command's long options"
run git wave plan --git-completion-helper
expect_rc 0
expect_out "--help"
