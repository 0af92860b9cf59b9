#!/usr/bin/env bash
# The ownership check under real hook managers: pre-commit (Debian's),
# lefthook and husky (from npm, cached in the build tree by
# tests/tools/npm-hook-managers.sh). For each, the recipe of git-wave-hook(1)
# is followed and real `git commit`s are made in agents' worktrees: a foreign
# file is refused, an owned one passes. When a manager leaves the check out,
# start warns per agent, status says so (text and JSON), and the brief does
# not promise a hook. A manager that is not installed is skipped, unless
# WAVE_REQUIRE_TOOLS=1 (as .ci/run sets).
. "$(dirname "$0")/lib.sh"

require_tools=${WAVE_REQUIRE_TOOLS:-0}
skip() {
  if [ "$require_tools" = 1 ]; then
    fail "$1 (WAVE_REQUIRE_TOOLS=1)"
  fi
  echo "# skipped: $1"
}

npm_bin=""
if npm_bin=$(bash "$SOURCE_DIR/tests/tools/npm-hook-managers.sh" "$GIT_WAVE_BUILD_DIR/npm" 2>"$TEST_DIR/npm.err"); then
  export PATH="$npm_bin:$PATH"
else
  npm_bin=""
fi

# repo_with NAME SETUP FILE...: a repository NAME on main with a plan whose
# agents alpha (src/a/**) and beta (src/b/**) run in one wave, with
# `setup = SETUP` (a TOML array), and the FILEs (copied from $TEST_DIR/files/)
# committed. Leaves the current directory in it.
repo_with() {
  local name=$1 setup=$2
  shift 2
  cd "$TEST_DIR"
  mkdir "$name"
  new_repo "$name/repo"
  cd "$name/repo"
  mkdir -p src/a src/b
  echo a >src/a/one.c
  echo b >src/b/two.c
  cat >wave.toml <<TOML
name = "demo"
protected = ["wave.toml"]
setup = $setup

[[agent]]
name = "alpha"
task = "Change a"
owns = ["src/a/**"]

[[agent]]
name = "beta"
task = "Change b"
owns = ["src/b/**"]
TOML
  local f
  for f in "$@"; do
    mkdir -p "$(dirname "$f")"
    cp -R "$TEST_DIR/files/$f" "$f"
  done
  git add -A
  git commit -q -m "plan, sources, hook configuration"
}

wt() { echo "$TEST_DIR/$1/repo.wave/demo/$2"; }

# expect_enforced NAME: in alpha's worktree, a commit of beta's file is
# refused by git wave's check and one of alpha's passes.
expect_enforced() {
  local alpha
  alpha=$(wt "$1" alpha)
  echo changed >>"$alpha/src/b/two.c"
  git -C "$alpha" add src/b/two.c
  run git -C "$alpha" commit -m "touch beta's file"
  [ "$RC" -ne 0 ] || fail "a commit of beta's file went through: $(cat "$TEST_DIR/out" "$TEST_DIR/err")"
  grep -qF "agent 'alpha' of run 'demo' may not commit" "$TEST_DIR/out" "$TEST_DIR/err" ||
    fail "refused, but not by git wave: $(cat "$TEST_DIR/out" "$TEST_DIR/err")"
  git -C "$alpha" reset -q --hard
  echo changed >>"$alpha/src/a/one.c"
  git -C "$alpha" add src/a/one.c
  run git -C "$alpha" commit -m "alpha's own change"
  expect_rc 0
  expect_eq "$(git -C "$alpha" log -1 --format=%s)" "alpha's own change"
}

# expect_unchecked NAME: start said so (in $TEST_DIR/start.err), status says
# so, the brief makes no promise, and a foreign commit really goes through.
expect_unchecked() {
  local alpha
  alpha=$(wt "$1" alpha)
  grep -qF "warning: agent 'alpha': commits in its worktree will not run the ownership check" "$TEST_DIR/start.err" ||
    fail "start did not warn about alpha: $(cat "$TEST_DIR/start.err")"
  grep -qF "warning: agent 'beta': commits in its worktree will not run the ownership check" "$TEST_DIR/start.err" ||
    fail "start did not warn about beta: $(cat "$TEST_DIR/start.err")"
  run git wave status
  expect_rc 0
  expect_out "commits not checked by the pre-commit hook:"
  grep -qE '^  alpha .* NO ' "$TEST_DIR/out" || fail "status shows no 'NO' hook for alpha: $(cat "$TEST_DIR/out")"
  run git wave status --json
  expect_rc 0
  python3 - "$TEST_DIR/out" <<'PY' || fail "status --json: $(cat "$TEST_DIR/out")"
import json, sys
s = json.load(open(sys.argv[1]))
for a in s["agents"]:
    assert a["hook"]["runs"] is False, a["hook"]
    assert a["hook"]["detail"], a["hook"]
PY
  run git wave prompt alpha
  expect_rc 0
  expect_no_out "The pre-commit hook rejects"
  expect_no_out "Never bypass the pre-commit hook"
  expect_out "No hook checks your commits in this worktree"
  # The truth: nothing stops a foreign commit (the gate will).
  echo changed >>"$alpha/src/b/two.c"
  git -C "$alpha" add src/b/two.c
  run git -C "$alpha" commit -m "touch beta's file"
  expect_rc 0
}

# expect_checked: start did not warn; status and the brief say the hook runs.
expect_checked() {
  if grep -qF "will not run the ownership check" "$TEST_DIR/start.err"; then
    fail "start warned: $(cat "$TEST_DIR/start.err")"
  fi
  run git wave status --json
  expect_rc 0
  python3 - "$TEST_DIR/out" <<'PY' || fail "status --json: $(cat "$TEST_DIR/out")"
import json, sys
s = json.load(open(sys.argv[1]))
for a in s["agents"]:
    assert a["hook"]["runs"] is True, a["hook"]
PY
  run git wave status
  expect_no_out "commits not checked"
  run git wave prompt alpha
  expect_out "The pre-commit hook rejects a commit that touches such a file"
}

start_wave() {
  # Setups in parallel (the default): husky and lefthook write the
  # repository's shared .git/config, and start runs again an install that
  # found it locked ("could not lock config file"), so every worktree gets
  # its hooks.
  run git wave start
  cp "$TEST_DIR/err" "$TEST_DIR/start.err"
  expect_rc 0
  expect_out "wave 1 of run 'demo' is ready"
}

mkdir -p "$TEST_DIR/files/.husky"
# The recipes of git-wave-hook(1), HOOK MANAGERS.
cat >"$TEST_DIR/files/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: git-wave
        name: git wave ownership
        entry: git wave hook pre-commit
        language: system
        pass_filenames: false
        always_run: true
YAML
cat >"$TEST_DIR/files/lefthook.yml" <<'YAML'
pre-commit:
  commands:
    git-wave:
      run: git wave hook pre-commit
YAML
printf 'git wave hook pre-commit\n' >"$TEST_DIR/files/.husky/pre-commit"
# What a project has before it meets git-wave: hooks that do something else.
mkdir -p "$TEST_DIR/files/plain/.husky"
cat >"$TEST_DIR/files/plain/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: lint
        name: lint
        entry: "true"
        language: system
YAML
printf 'pre-commit:\n  commands:\n    lint:\n      run: "true"\n' >"$TEST_DIR/files/plain/lefthook.yml"
printf 'true\n' >"$TEST_DIR/files/plain/.husky/pre-commit"

test_case "without a hook manager, git wave's own hook runs and status says so"
repo_with none '[]'
start_wave
expect_checked
expect_enforced none

test_case "start --no-hooks, no hook at all: start and status say so, and how to install it"
repo_with nohooks '[]'
run git wave start --no-hooks
cp "$TEST_DIR/err" "$TEST_DIR/start.err"
expect_rc 0
grep -qF "there is no pre-commit hook: '$TEST_DIR/nohooks/repo/.git/hooks/pre-commit' does not exist" \
  "$TEST_DIR/start.err" || fail "start: $(cat "$TEST_DIR/start.err")"
grep -qF "'git wave hook install'" "$TEST_DIR/start.err" || fail "no way out: $(cat "$TEST_DIR/start.err")"
expect_unchecked nohooks

if command -v pre-commit >/dev/null; then
  test_case "pre-commit: the recipe, installed once in the main worktree, checks every agent's commits"
  repo_with pc-recipe '[]' .pre-commit-config.yaml
  run pre-commit install
  expect_rc 0
  start_wave
  expect_checked
  expect_enforced pc-recipe

  test_case "pre-commit: installed over git wave's hook, it keeps and runs it (pre-commit.legacy)"
  repo_with pc-legacy '[]'
  cp "$TEST_DIR/files/plain/.pre-commit-config.yaml" .
  git add .pre-commit-config.yaml && git commit -q -m "pre-commit configuration"
  git wave hook install >/dev/null
  run pre-commit install
  expect_rc 0
  start_wave
  [ -e .git/hooks/pre-commit.legacy ] || fail "pre-commit did not keep git wave's hook as pre-commit.legacy"
  expect_checked
  expect_enforced pc-legacy

  test_case "pre-commit: 'pre-commit install -f' drops git wave's hook: start and status say so"
  repo_with pc-force '["pre-commit install -f"]'
  cp "$TEST_DIR/files/plain/.pre-commit-config.yaml" .
  git add .pre-commit-config.yaml && git commit -q -m "pre-commit configuration"
  start_wave
  expect_unchecked pc-force
  grep -qF "the hook is pre-commit's, and '.pre-commit-config.yaml' does not run 'git wave hook pre-commit'" \
    "$TEST_DIR/start.err" || fail "start does not say why: $(cat "$TEST_DIR/start.err")"
else
  skip "pre-commit is not installed (apt-get install pre-commit)"
fi

if [ -n "$npm_bin" ]; then
  test_case "lefthook: the recipe, installed once in the main worktree, checks every agent's commits"
  repo_with lh-recipe '[]' lefthook.yml
  run lefthook install
  expect_rc 0
  start_wave
  expect_checked
  expect_enforced lh-recipe

  test_case "lefthook: the recipe still holds with 'lefthook install' as setup"
  repo_with lh-setup '["lefthook install"]' lefthook.yml
  start_wave
  expect_checked
  expect_enforced lh-setup

  test_case "lefthook: 'lefthook install' as setup moves git wave's hook aside: start and status say so"
  repo_with lh-plain '["lefthook install"]'
  cp "$TEST_DIR/files/plain/lefthook.yml" .
  git add lefthook.yml && git commit -q -m "lefthook configuration"
  start_wave
  grep -qF "lefthook moved git wave's hook to 'pre-commit.old', which it does not run" "$TEST_DIR/start.err" ||
    fail "start does not say lefthook moved the hook: $(cat "$TEST_DIR/start.err")"
  expect_unchecked lh-plain

  test_case "husky: the recipe, with husky run in every worktree by setup, checks every agent's commits"
  repo_with hu-recipe '["husky"]' .husky/pre-commit
  run husky
  expect_rc 0
  expect_eq "$(git config core.hooksPath)" ".husky/_"
  start_wave
  expect_checked
  expect_enforced hu-recipe

  test_case "husky: without husky in the worktrees' setup no hook runs there: start and status say so"
  repo_with hu-nosetup '[]' .husky/pre-commit
  husky >/dev/null
  start_wave
  grep -qF "there is no pre-commit hook" "$TEST_DIR/start.err" || fail "start: $(cat "$TEST_DIR/start.err")"
  grep -qF 'setup = ["npx husky"]' "$TEST_DIR/start.err" || fail "start gives no way out: $(cat "$TEST_DIR/start.err")"
  expect_unchecked hu-nosetup

  test_case "husky: a .husky/pre-commit without the check: start and status say so"
  repo_with hu-plain '["husky"]'
  cp -R "$TEST_DIR/files/plain/.husky" .
  git add .husky && git commit -q -m "husky"
  husky >/dev/null
  start_wave
  grep -qF "the hook is husky's, and '.husky/pre-commit' does not run 'git wave hook pre-commit'" \
    "$TEST_DIR/start.err" || fail "start: $(cat "$TEST_DIR/start.err")"
  expect_unchecked hu-plain
else
  skip "lefthook and husky from npm: $(cat "$TEST_DIR/npm.err")"
fi
