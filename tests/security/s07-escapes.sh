#!/usr/bin/env bash
# Attack, issue 17 item 7: file names that speak to the lead's terminal. An
# agent commits (with --no-verify) files named with ESC and BEL sequences
# (retitle the terminal, clear the screen) and a newline that fakes a whole
# line of output ("pass    audit b"). Every line meant for a person shows
# them quoted as git does (core.quotePath): no raw control byte reaches the
# terminal, no line is faked. JSON stays exact.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "sec"
[gate]
commands = ["true"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]'

# no_control FILE: FILE holds no control byte but newline (and no CR).
no_control() {
  if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
    fail "a control byte reached the terminal: $(cat -v "$1")"
  fi
}

make_repo esc "$PLAN"
start_wave
dir=$(wt a)
mkdir -p "$dir/b"
evil_title=$(printf 'b/\033]0;pwned\007\033[2J')
evil_line=$(printf 'b/x\npass    audit b')
echo x >"$dir/$evil_title"
echo x >"$dir/$evil_line"
git -C "$dir" add -A && git -C "$dir" commit -q --no-verify -m "names"
quoted_title=$(git -C "$dir" -c core.quotePath=true ls-files b | grep pwned)
quoted_line=$(git -C "$dir" -c core.quotePath=true ls-files b | grep audit)

test_case "git wave gate names the files as git quotes them, and fakes no line"
run git -C "$REPO" wave gate
expect_rc 1
no_control "$TEST_DIR/out"
no_control "$TEST_DIR/err"
expect_out "'b/\\e]0;pwned\\x07\\e[2J' is owned by 'b'"
expect_out "'b/x\\npass    audit b' is owned by 'b'"
# b's own audit line, once: the name made no second one
expect_eq "$(grep -c '^pass    audit b' "$TEST_DIR/out")" 1 "lines saying 'pass    audit b'"

test_case "git wave audit and status show them escaped too"
run git -C "$REPO" wave audit wave/sec/a
expect_rc 1
no_control "$TEST_DIR/out"
expect_out "'b/\\e]0;pwned\\x07\\e[2J' is owned by 'b'"
run git -C "$REPO" wave status
no_control "$TEST_DIR/out"
no_control "$TEST_DIR/err"
expect_out "a: $quoted_title (committed, owned by b)"
expect_out "a: $quoted_line (committed, owned by b)"

test_case "the agent's brief lists them as git would"
run git -C "$REPO" wave prompt a
expect_rc 0
no_control "$TEST_DIR/out"
expect_out "- $quoted_title"

test_case "--json keeps the names exact"
run git -C "$REPO" wave gate --json
expect_rc 1
python3 - "$TEST_DIR/out" "$evil_title" <<'PY' || fail "the JSON lost the exact name"
import json, sys
doc = json.load(open(sys.argv[1]))
paths = [v["path"] for v in doc["violations"]]
assert sys.argv[2] in paths, paths
PY
