#!/usr/bin/env bash
# git wave hook install: never clobbers, chains what was there, finds the
# hooks directory the way git does.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo

test_case "a pre-existing user hook is kept, still runs, and its failure still blocks"
cat >.git/hooks/pre-commit <<'SH'
#!/bin/sh
echo "user hook ran on $(git rev-parse --abbrev-ref HEAD)" >>"$HOME/user-hook.log"
[ ! -e "$HOME/user-hook-fails" ] || { echo "user hook says no" >&2; exit 7; }
SH
chmod +x .git/hooks/pre-commit
run git wave hook install
expect_rc 0
expect_out "the hook that was there runs first"
[ -x .git/hooks/pre-commit.wave-chained ] || fail "the user's hook was not kept"
grep -qF "user hook ran" .git/hooks/pre-commit.wave-chained || fail "the kept hook is not the user's"
git wave start --no-hooks >/dev/null
cd ../repo.wave/demo/alpha
echo "x" >>src/a/one.c
git add src/a/one.c
run git commit -m "owned"
expect_rc 0
grep -qF "user hook ran on wave/demo/alpha" "$HOME/user-hook.log" || fail "the user's hook did not run"
touch "$HOME/user-hook-fails"
echo "y" >>src/a/one.c
git add src/a/one.c
head=$(git rev-parse HEAD)
run git commit -m "blocked by the user's hook"
expect_rc 1
expect_err "user hook says no"
expect_eq "$(git rev-parse HEAD)" "$head"
rm "$HOME/user-hook-fails"

test_case "the user's hook runs first; git wave checks what it leaves staged"
echo "z" >>src/b/two.c
git add src/b/two.c
run git commit -m "foreign"
expect_rc 1
grep -c "user hook ran" "$HOME/user-hook.log" >"$TEST_DIR/count"
expect_eq "$(cat "$TEST_DIR/count")" "3" "the user's hook ran before the rejection"
git reset -q --hard
cd "$TEST_DIR/w/repo"

test_case "install is idempotent: a second install changes nothing"
before=$(ls -la .git/hooks; cat .git/hooks/pre-commit .git/hooks/pre-commit.wave-chained)
run git wave hook install
expect_rc 0
expect_out "is installed already"
expect_eq "$(ls -la .git/hooks; cat .git/hooks/pre-commit .git/hooks/pre-commit.wave-chained)" "$before"

test_case "the shim runs the binary it was installed with, by absolute path"
grep -qF "wave='$GIT_WAVE_BUILD_DIR/git-wave'" .git/hooks/pre-commit ||
  grep -qF "wave='$(cd "$GIT_WAVE_BUILD_DIR" && pwd -P)/git-wave'" .git/hooks/pre-commit ||
  fail "the shim does not name the binary: $(grep wave= .git/hooks/pre-commit)"

test_case "the installed shim is hooks/pre-commit with the binary filled in"
sed "s|^wave=.*|wave='@GIT_WAVE@'|" .git/hooks/pre-commit >"$TEST_DIR/shim"
cmp -s "$TEST_DIR/shim" "$SOURCE_DIR/hooks/pre-commit" || fail "installed shim differs from hooks/pre-commit"

test_case "uninstall puts the user's hook back"
run git wave hook uninstall
expect_rc 0
expect_out "is the hook that was there before"
grep -qF "user hook ran" .git/hooks/pre-commit || fail "the user's hook is not back"
[ -e .git/hooks/pre-commit.wave-chained ] && fail "the kept copy is still there"
run git wave hook uninstall
expect_rc 128
expect_err "is not git wave's: left alone"
grep -qF "user hook ran" .git/hooks/pre-commit || fail "uninstall touched the user's hook"

test_case "core.hooksPath (absolute) is where the hook goes"
cd "$TEST_DIR"
mkdir w2
two_wave_repo w2/repo
cd w2/repo
mkdir "$TEST_DIR/shared-hooks"
git config core.hooksPath "$TEST_DIR/shared-hooks"
run git wave hook install
expect_rc 0
[ -x "$TEST_DIR/shared-hooks/pre-commit" ] || fail "not installed in core.hooksPath"
[ -e .git/hooks/pre-commit ] && fail "installed in .git/hooks despite core.hooksPath"
git wave start --no-hooks >/dev/null
cd ../repo.wave/demo/alpha
echo "x" >>src/b/two.c
git add src/b/two.c
run git commit -m "foreign"
expect_rc 1
expect_err "owned by beta"
cd "$TEST_DIR/w2/repo"

test_case "core.hooksPath with ~/ is expanded like git does"
git config core.hooksPath "~/my-hooks"
run git wave hook install
expect_rc 0
[ -x "$HOME/my-hooks/pre-commit" ] || fail "not installed in ~/my-hooks"

test_case "a relative core.hooksPath (a hook manager's) is refused with what to do"
git config core.hooksPath .husky/_
run git wave hook install
expect_rc 128
expect_err "core.hooksPath is '.husky/_', a path relative to each worktree"
expect_err "add a pre-commit step running 'git wave hook pre-commit'"
[ -e .husky ] && fail "something was written"

test_case "start warns about such hooks but still starts"
git config --unset core.hooksPath
git wave hook uninstall >/dev/null
git config core.hooksPath .husky/_
cd "$TEST_DIR"
mkdir w3
two_wave_repo w3/repo
cd w3/repo
git config core.hooksPath .husky/_
run git wave start
expect_rc 0
expect_err "warning: cannot install the pre-commit hook"
expect_out "starting wave 1"

test_case "a hook manager's hook that runs git wave already is left alone"
cd "$TEST_DIR"
mkdir w4
two_wave_repo w4/repo
cd w4/repo
printf '#!/bin/sh\nnpx lint-staged\ngit wave hook pre-commit\n' >.git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
run git wave hook install
expect_rc 0
expect_out "already runs 'git wave hook pre-commit'"
[ -e .git/hooks/pre-commit.wave-chained ] && fail "it was chained"
true

test_case "linked worktrees share the common hooks directory"
cd "$TEST_DIR"
mkdir w5
two_wave_repo w5/repo
cd w5/repo
git worktree add -q ../side
cd ../side
run git wave hook install
expect_rc 0
[ -x "$TEST_DIR/w5/repo/.git/hooks/pre-commit" ] || fail "not installed in the common dir"

test_case "without the binary the shim lets commits through with a warning"
cd "$TEST_DIR/w5/repo"
sed -i "s|^wave=.*|wave='/nonexistent/git-wave'|" .git/hooks/pre-commit
echo "x" >>src/c/three.c
PATH=/usr/bin:/bin run git commit -qam "no binary"
expect_rc 0
expect_err "warning: git-wave not found"

test_case "hook needs pre-commit, install or uninstall"
run git wave hook
expect_rc 129
run git wave hook frob
expect_rc 129
