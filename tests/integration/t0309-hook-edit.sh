#!/usr/bin/env bash
# git wave hook edit: an agent CLI's pre-write hook (Claude Code's
# PreToolUse, Gemini CLI's BeforeTool) hands it the tool call as JSON; a
# write to a path the agent does not own, by the plan recorded for the run,
# is denied with exit 2 and a reason for the model. No agent CLI needed.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
(cd w/repo && git wave start >/dev/null)
alpha=$TEST_DIR/w/repo.wave/demo/alpha

# edit_call JSON: runs the hook in alpha's worktree with JSON on stdin.
edit_call() {
  set +e
  (cd "$alpha" && printf '%s' "$1" | git wave hook edit >"$TEST_DIR/out" 2>"$TEST_DIR/err")
  RC=$?
  set -e
}

test_case "a write the agent owns passes, relative or absolute"
edit_call '{"tool_name":"Write","tool_input":{"file_path":"src/a/new.c","content":"x"}}'
expect_rc 0
edit_call "{\"tool_name\":\"Edit\",\"cwd\":\"$alpha\",\"tool_input\":{\"file_path\":\"$alpha/src/a/one.c\"}}"
expect_rc 0

test_case "another agent's path is denied with exit 2, naming the owner and what to do"
edit_call '{"tool_name":"Write","tool_input":{"file_path":"src/b/x.c","content":"x"}}'
expect_rc 2
expect_err "git wave: denied: agent 'alpha' may not write 'src/b/x.c' (owned by beta); 'alpha' owns only src/a/**."
expect_err "Leave this file to its owner"

test_case "a protected path, a notebook and a path outside the worktree are denied"
edit_call '{"tool_name":"Write","tool_input":{"file_path":"wave.toml"}}'
expect_rc 2
expect_err "(protected: nobody may change it)"
edit_call '{"tool_name":"NotebookEdit","tool_input":{"notebook_path":"docs/b.md"}}'
expect_rc 2
expect_err "owned by beta"
edit_call '{"tool_name":"Write","tool_input":{"file_path":"../../elsewhere.txt"}}'
expect_rc 2
expect_err "it is outside its worktree"

test_case "a tool call without a path passes; one that is not JSON is denied"
edit_call '{"tool_name":"Bash","tool_input":{"command":"ls"}}'
expect_rc 0
edit_call 'not json'
expect_rc 2
expect_err "is not a JSON object"

test_case "outside an agent's branch, everything passes"
set +e
(cd w/repo && printf '%s' '{"tool_input":{"file_path":"src/b/x.c"}}' | git wave hook edit >"$TEST_DIR/out" 2>"$TEST_DIR/err")
RC=$?
set -e
expect_rc 0
