# Shared setup for integration tests: source it first thing in a t*.sh.
#
# Hermetic like git's test-lib.sh: HOME is the test directory, no system or
# global git config leaks in, fixed author/committer and dates, C locale, UTC.
# Each test gets a fresh directory; it is removed on success and kept (and
# named) on failure.

set -u
set -o pipefail

: "${GIT_WAVE_BUILD_DIR:?run through ctest, or set GIT_WAVE_BUILD_DIR to the build directory}"
TEST_NAME=$(basename "$0" .sh)
TEST_ROOT_BASE=${WAVE_TEST_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$TEST_ROOT_BASE"
TEST_DIR=$(mktemp -d "$TEST_ROOT_BASE/$TEST_NAME.XXXXXX")
TEST_DIR=$(cd "$TEST_DIR" && pwd -P)
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)

export PATH="$GIT_WAVE_BUILD_DIR:$PATH"
export HOME="$TEST_DIR/home"
mkdir -p "$HOME"
export XDG_CONFIG_HOME="$HOME/.config"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG_GLOBAL
# Repository discovery stops at the test directory: the build tree may sit
# inside a repository (this one), which a test must never find.
export GIT_CEILING_DIRECTORIES="$TEST_ROOT_BASE"
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
export GIT_AUTHOR_DATE="2005-04-07T22:13:13Z" GIT_COMMITTER_DATE="2005-04-07T22:13:13Z"
export LANG=C LC_ALL=C TZ=UTC
export TERM=dumb
# A CI runner sets CI=true, which turns colour and the live view off: the
# tests that want a CI runner say so themselves (t0840).
unset NO_COLOR CI
git config --global init.defaultBranch main
git config --global user.name "A U Thor"
git config --global user.email "author@example.com"
git config --global advice.detachedHead false

TESTS_RUN=0
# Failures a script counts itself (the crash sweep's points), beside the
# cases `fail` records.
TESTS_FAILED=0
CURRENT_TEST=""
# The numbers of the cases that failed, one a line (a case may fail more
# than once; a failure in a subshell counts too): beside the test
# directory, which a test may empty.
FAILED_CASES="$TEST_DIR.failed"
: >"$FAILED_CASES"

# The number of cases that failed.
failed_cases() { sort -u "$FAILED_CASES" | grep -c . || true; }

# wait_for_trash DIR: waits until no background deletion of worktrees moved
# aside (git wave's <common dir>/wave/trash, deleted under the flock of
# wave/trash.flock) runs in a repository under DIR.
wait_for_trash() {
  local lock
  while IFS= read -r lock; do
    flock "$lock" true
  done < <(find "$1" -path '*/wave/trash.flock' 2>/dev/null)
}

finish() {
  local code=$? failed
  if [ "$code" -ne 0 ] && [ "$TESTS_FAILED" -eq 0 ]; then
    # Ended by a command that failed under `set -e`, not by an expectation:
    # the cases after this one did not run.
    echo "not ok - $CURRENT_TEST: the script stopped (exit $code); the cases after it did not run" >&2
    echo "$TESTS_RUN" >>"$FAILED_CASES"
  fi
  failed=$(($(failed_cases) + TESTS_FAILED))
  if [ "$failed" -gt 0 ]; then
    echo "# test directory kept: $TEST_DIR" >&2
    [ "$code" -ne 0 ] || code=1
  else
    wait_for_trash "$TEST_DIR"
    rm -rf "$TEST_DIR"
  fi
  rm -f "$FAILED_CASES"
  echo "$((TESTS_RUN > failed ? TESTS_RUN - failed : 0)) passed, $failed failed"
  exit "$code"
}
trap finish EXIT

# test_case "description": starts a scenario; failures are attributed to it.
test_case() {
  CURRENT_TEST=$1
  TESTS_RUN=$((TESTS_RUN + 1))
  echo "# $CURRENT_TEST"
}

# fail MESSAGE: records that the current case failed, says why, and goes
# on (as git's test_expect_success records a failure and runs the next
# case): the summary counts it and the script exits nonzero at its end.
fail() {
  echo "$TESTS_RUN" >>"$FAILED_CASES"
  echo "not ok - $CURRENT_TEST: $*" >&2
  return 0
}

# where: "FILE:LINE: the line" of the test's line calling the helper that
# calls this one, to say what a failed comparison compared.
where() {
  local file=${BASH_SOURCE[2]} line=${BASH_LINENO[1]}
  echo "$(basename "$file"):$line: $(sed -n "${line}p" "$file" | sed 's/^[[:space:]]*//')"
}

# wait_for WHAT TEST [POLLS]: polls the shell test TEST every 0.05 s until it
# holds; after POLLS polls (default 2400: two minutes, which only a hang
# reaches) fails the case, naming WHAT it waited for, and returns 1.
wait_for() {
  local what=$1 test=$2 polls=${3:-2400} i
  for ((i = 0; i < polls; i++)); do
    eval "$test" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "timed out waiting for $what ($polls polls of: $test)"
  return 1
}

# run CMD...: runs a command, keeping stdout, stderr and exit code in
# $TEST_DIR/out, $TEST_DIR/err and $RC. Never fails by itself.
run() {
  set +e
  "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
  RC=$?
  set -e
  return 0
}

expect_rc() {
  [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC; stdout: $(cat "$TEST_DIR/out"); stderr: $(cat "$TEST_DIR/err")"
}

# expect_out / expect_err FIXED-STRING: the captured output contains it.
expect_out() { grep -qF -- "$1" "$TEST_DIR/out" || fail "stdout lacks '$1'; stdout was: $(cat "$TEST_DIR/out")"; }
expect_err() { grep -qF -- "$1" "$TEST_DIR/err" || fail "stderr lacks '$1'; stderr was: $(cat "$TEST_DIR/err")"; }
expect_no_out() { ! grep -qF -- "$1" "$TEST_DIR/out" || fail "stdout has '$1'"; }
# expect_eq ACTUAL EXPECTED [WHAT]: equal, or the failure shows the line
# that compared them, what was expected and what came.
expect_eq() { [ "$1" = "$2" ] || fail "${3:+$3: }expected '$2', got '$1' (at $(where))"; }

# alive PID: the process runs (a zombie, dead but not yet reaped by init,
# does not count).
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat"; }

# new_repo DIR: an empty repository with one commit on main.
new_repo() {
  git init -q "$1"
  (cd "$1" && echo "# test" >README.md && git add README.md && git commit -q -m initial)
}

# commit_file DIR PATH CONTENT: writes and commits a file.
commit_file() {
  mkdir -p "$(dirname "$1/$2")"
  printf '%s\n' "$3" >"$1/$2"
  git -C "$1" add -- "$2"
  git -C "$1" commit -q -m "add $2"
}

# write_state REPO FILE [MESSAGE]: commits FILE as the state.json of run demo
# in REPO, beside the plan.toml its state holds, on top of its state ref, and
# moves the ref there: a state as git wave records one, for tests that
# hand-build what a killed command left.
write_state() {
  local repo=$1 file=$2 message=${3:-"written by the test"} ref=refs/wave/demo/state blob plan tree
  blob=$(git -C "$repo" hash-object -w "$file")
  plan=$(git -C "$repo" rev-parse "$ref:plan.toml")
  tree=$(printf '100644 blob %s\tplan.toml\n100644 blob %s\tstate.json\n' "$plan" "$blob" | git -C "$repo" mktree)
  git -C "$repo" update-ref "$ref" "$(git -C "$repo" commit-tree -p "$ref" -m "$message" "$tree")"
}

# edit_state REPO CODE [ARGS...]: runs the Python CODE on `s`, the state of
# run demo in REPO (json, sys imported; ARGS in sys.argv[1:]), and commits
# the state it leaves (write_state).
edit_state() {
  local repo=$1 code=$2
  shift 2
  git -C "$repo" show refs/wave/demo/state:state.json >"$TEST_DIR/state.json"
  python3 -c "import json, sys
s = json.load(open('$TEST_DIR/state.json'))
$code
json.dump(s, open('$TEST_DIR/state.json', 'w'), indent=2)" "$@"
  write_state "$repo" "$TEST_DIR/state.json" "edited by the test"
}

set -e
cd "$TEST_DIR"
