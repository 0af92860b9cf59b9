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
TESTS_FAILED=0
CURRENT_TEST=""

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
  local code=$?
  if [ "$TESTS_FAILED" -gt 0 ] || [ "$code" -ne 0 ]; then
    echo "# test directory kept: $TEST_DIR" >&2
    [ "$code" -ne 0 ] || code=1
  else
    wait_for_trash "$TEST_DIR"
    rm -rf "$TEST_DIR"
  fi
  echo "$((TESTS_RUN - TESTS_FAILED)) passed, $TESTS_FAILED failed"
  exit "$code"
}
trap finish EXIT

# test_case "description": starts a scenario; failures are attributed to it.
test_case() {
  CURRENT_TEST=$1
  TESTS_RUN=$((TESTS_RUN + 1))
  echo "# $CURRENT_TEST"
}

fail() {
  TESTS_FAILED=$((TESTS_FAILED + 1))
  echo "not ok - $CURRENT_TEST: $*" >&2
  exit 1
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
expect_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }

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

set -e
cd "$TEST_DIR"
