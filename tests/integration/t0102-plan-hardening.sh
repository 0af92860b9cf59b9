#!/usr/bin/env bash
# Hostile input at the edges (issue 10, items 2, 6, 14, 15): names git would
# refuse never become refs, worktrees never land in the repository, empty
# option values are usage errors, messages are safe to print.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

# no_raw_control FILE: the file holds no control character but newline.
no_raw_control() {
  ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" || fail "raw control character in $(basename "$1"): $(cat -v "$1")"
}

two_wave_repo repo
cd repo

test_case "a run name holding DEL is refused before any ref is written"
printf 'name = "r\\u007fx"\n[[agent]]\nname = "a"\ntask = "t"\nowns = ["src/a/**"]\n' >del.toml
git add del.toml && git commit -q -m "del plan"
run git wave plan --plan del.toml
expect_rc 128
expect_err "del.toml:1:8: error: invalid plan name 'r\\x7fx': it contains a control character (\\x7f)"
expect_err "hint: "
no_raw_control "$TEST_DIR/err"
run git wave start --plan del.toml
expect_rc 128
expect_eq "$(git for-each-ref refs/wave refs/heads/wave | wc -l)" "0" "no ref written"
git fsck --no-progress >/dev/null 2>&1 || fail "git fsck fails"

test_case "base = \"HEAD\" and \"-main\" are not branch names"
for base in HEAD -main; do
  sed "1a base = \"$base\"" wave.toml >base.toml
  run git wave plan --plan base.toml
  expect_rc 128
  expect_err "base.toml:2:8: error: invalid branch name '$base' for 'base'"
done

test_case "an absolute worktrees template inside the repository is refused by start, which changes nothing"
sed "1a worktrees = \"$PWD/.git/wt/{agent}\"" wave.toml >in-git.toml
sed "1a worktrees = \"$PWD/sub/{agent}\"" wave.toml >in-tree.toml
git add in-git.toml in-tree.toml && git commit -q -m "templates"
before=$(footprint "$PWD")
run git wave start --plan in-git.toml
expect_rc 128
expect_err "would be inside the git dir"
expect_err "the 'worktrees' template must lead outside the repository"
run git wave start --plan in-tree.toml
expect_rc 128
expect_err "would be inside the working tree '$PWD'"
expect_eq "$(footprint "$PWD")" "$before"
[ ! -e sub ] || fail "start created sub/"

test_case "a relative template inside the repository is refused at plan time"
sed '1a worktrees = "wt/{agent}"' wave.toml >rel.toml
run git wave plan --plan rel.toml
expect_rc 128
expect_err "rel.toml:2:13: error: 'worktrees' template 'wt/{agent}' puts the worktrees inside the repository's working tree"

test_case "numbers out of range are located 'too large' errors"
printf 'name = "r"\n[gate]\ntimeout = "9999999999999h"\n[[agent]]\nname = "a"\nowns = ["a"]\nwave = 2147483647\n' >big.toml
run git wave plan --plan big.toml
expect_rc 128
expect_err "big.toml:3:11: error: duration '9999999999999h' for 'timeout' is too large (at most 1000h)"
expect_err "big.toml:7:8: error: 'wave' is too large: 2147483647 (at most 1000000)"

test_case "three mistakes are three errors in one run; ./src/** is src/**"
cat >three.toml <<'TOML'
name = "r"
[[agent]]
name = "a"
owns = ["./src/**"]
[[agent]]
name = "b"
owns = ["src/x/./**"]
estimate = "forever"
[[agent]]
name = "c d"
owns = ["docs/."]
TOML
run git wave plan --plan three.toml
expect_rc 128
expect_err "three.toml:7:9: error: agents 'a' and 'b' of wave 1 both own 'src/x/a' (by 'src/**' and 'src/x/**')"
expect_err "three.toml:8:12: error: invalid duration 'forever' for 'estimate'"
expect_err "three.toml:10:8: error: invalid agent name 'c d': it contains a space"
expect_err "error: plan 'three.toml' is invalid: 3 errors"

test_case "plan shows the gate commands"
run git wave plan
expect_rc 0
expect_out "gate: 'make test' (timeout 20m00s)"
expect_out "  alpha gate: 'make test-a'"
printf 'name = "r"\n[gate]\ncommands = ["make test"]\nbisect = 2\n[[agent]]\nname = "a"\nowns = ["a/**"]\n' >bounded.toml
run git wave plan --plan bounded.toml
expect_rc 0
expect_out "gate: 'make test' (timeout 20m00s, bisection in at most 2 runs)"
printf 'name = "r"\n[gate]\nbisect = -1\n[[agent]]\nname = "a"\nowns = ["a/**"]\n' >negative.toml
run git wave plan --plan negative.toml
expect_rc 128
expect_err "negative.toml:3:10: error:"

test_case "control characters in keys are escaped, long keys shortened, duplicate keys named cleanly"
{
  printf 'name = "r"\n"\\u001b]0;pwned\\u0007" = 1\n'
  head -c 100000 /dev/zero | tr '\0' k
  printf ' = 2\n'
} >keys.toml
run git wave plan --plan keys.toml
expect_rc 128
expect_err "keys.toml:2:1: error: unknown key '\\e]0;pwned\\x07' in the plan"
no_raw_control "$TEST_DIR/err"
[ "$(wc -c <"$TEST_DIR/err")" -lt 2000 ] || fail "the long key is echoed whole"
printf 'name = "r"\n"name" = "s"\n' >dup.toml
run git wave plan --plan dup.toml
expect_err "dup.toml:2:10: error: TOML syntax error: duplicate key 'name': it is already defined above"
expect_err "hint: define each key once"

test_case "empty option values are usage errors, not 'not given'"
run git wave abort --wave ''
expect_rc 129
expect_err "error: --wave: an empty value is not allowed"
run git wave status --run ''
expect_rc 129
run git wave prompt --run '' alpha
expect_rc 129
run git wave plan --plan ''
expect_rc 129

test_case "--setup-timeout 0s is refused"
run git wave start --setup-timeout 0s
expect_rc 129
expect_err "error: invalid duration '0s' for --setup-timeout"
expect_eq "$(git for-each-ref refs/wave | wc -l)" "0" "nothing started"

test_case "a flood of one error (200,000 integers in 'protected') is shown ten times, then counted"
python3 -c '
print("name = \"r\"")
print("protected = [" + ",".join(["1"] * 200000) + "]")
print("[[agent]]\nname = \"a\"\nowns = [\"a/**\"]")' >flood.toml
run git wave plan --plan flood.toml
expect_rc 128
expect_eq "$(grep -c "error: 'protected' must hold strings, not an integer" "$TEST_DIR/err")" 10
expect_err "flood.toml:2:34: error: ... and 199,990 more like it"
expect_err "error: plan 'flood.toml' is invalid: 200000 errors"
# Ten errors, each with its hint, the line counting the rest, the verdict.
expect_eq "$(wc -l <"$TEST_DIR/err" | tr -d ' ')" 22 "stderr: $(head -30 "$TEST_DIR/err")"
test_case "different mistakes are each told, however many kinds there are"
printf 'name = "r"\nprotected = [1, true, 2.5]\n[[agent]]\nname = "a"\nowns = ["a/**"]\n' >kinds.toml
run git wave plan --plan kinds.toml
expect_rc 128
expect_err "error: 'protected' must hold strings, not an integer"
expect_err "error: 'protected' must hold strings, not a boolean"
expect_err "error: 'protected' must hold strings, not a float"
! grep -q "more like it" "$TEST_DIR/err" || fail "three kinds counted as one: $(cat "$TEST_DIR/err")"
