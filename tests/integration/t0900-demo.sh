#!/usr/bin/env bash
# The README's demo runs to the end and does what it says.
. "$(dirname "$0")/lib.sh"

test_case "the demo runs a three-wave plan end to end"
run env TMPDIR="$TEST_DIR" NO_COLOR=1 bash "$SOURCE_DIR/tests/demo.sh" "$GIT_WAVE_BUILD_DIR"
expect_rc 0
expect_err "error: agent 'docs' of run 'greeter' may not commit this path:"
expect_out "pass    commit docs"
expect_out "Demo done."
expect_out "speedup   actual "
expect_out "wrote '"
python3 -c "import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])" "$(ls "$TEST_DIR"/git-wave-demo.*/report.svg)" ||
  fail "the demo's report.svg is not well-formed"
repo=$(ls -d "$TEST_DIR"/git-wave-demo.*/greeter)
expect_eq "$(git -C "$repo" log --first-parent --format=%s main | head -4 | tr '\n' '|')" \
  "Merge wave 3 agent 'tests': Test the greet command|Merge wave 2 agent 'docs': Document the greet command|Merge wave 2 agent 'cli': Add the greet command|Merge wave 1 agent 'core': Write the greeting library|"
expect_eq "$(git -C "$repo" show main:lib/greet.sh | grep -c sneaky || true)" "0" "the refused edit never landed"
expect_eq "$(sh -c "cd '$repo' && sh bin/greet Ada")" "Hello, Ada!"

test_case "the demo leaves the user's own git configuration alone"
expect_eq "$(git config --global user.name)" "A U Thor"
expect_eq "$(git config --global --get-all user.email)" "author@example.com"
