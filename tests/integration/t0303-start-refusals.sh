#!/usr/bin/env bash
# git wave start refuses bad input with a clear message and changes nothing.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

# fresh NAME: a new two-wave repository in its own folder; cd into it.
fresh() {
  cd "$TEST_DIR"
  mkdir "$1"
  two_wave_repo "$1/repo"
  cd "$1/repo"
}

test_case "outside a repository"
mkdir nowhere
cd nowhere
GIT_CEILING_DIRECTORIES=$TEST_DIR run git wave start
expect_rc 128
expect_err "error: not a git repository"

test_case "in a bare repository"
cd "$TEST_DIR"
two_wave_repo src
git clone -q --bare src bare.git
cd bare.git
before=$(footprint "$TEST_DIR/bare.git")
run git wave start
expect_rc 128
expect_err "error: cannot start a wave in a bare repository"
expect_err "hint: agents need worktrees"
expect_eq "$(footprint "$TEST_DIR/bare.git")" "$before"

test_case "with HEAD detached on the integration branch"
fresh detached
git checkout -q --detach main
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "error: HEAD is detached: git wave start needs to be on the integration branch"
expect_err "hint: switch to it first"
expect_eq "$(footprint "$PWD")" "$before"

test_case "with the plan edited and not committed"
fresh dirty
sed -i 's/Teach a to count/Teach a to count twice/' wave.toml
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "error: 'wave.toml' in the working tree differs from the one committed on 'main'"
expect_err "hint: commit it: git add wave.toml && git commit"
expect_eq "$(footprint "$PWD")" "$before"
git rev-parse -q --verify refs/wave/demo/state >/dev/null && fail "a run was recorded"
true

test_case "with the plan edit staged but not committed"
git add wave.toml
run git wave start
expect_rc 128
expect_err "differs from the one committed on 'main'"

test_case "with a plan that was never committed"
fresh uncommitted
git rm -q --cached wave.toml
git commit -q -m "untrack the plan"
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "error: 'wave.toml' is not committed on 'main'"
expect_err "hint: commit it first"
expect_eq "$(footprint "$PWD")" "$before"

test_case "with the plan deleted from the working tree"
fresh deleted
rm wave.toml
run git wave start
expect_rc 128
expect_err "is missing from the working tree"

test_case "with an invalid committed plan: its errors, positioned"
fresh invalid
sed -i 's/after = \["alpha"\]/after = ["alhpa"]/' wave.toml
git commit -q -am "typo"
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "wave.toml:"
expect_err "alhpa"
expect_eq "$(footprint "$PWD")" "$before"

test_case "when an agent's branch is already taken"
fresh branch-taken
git branch wave/demo/beta
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "error: cannot start wave 1 of run 'demo': branch 'wave/demo/beta' already exists"
expect_err "hint: nothing was changed"
expect_eq "$(footprint "$PWD")" "$before"

test_case "when an agent's worktree path holds files"
fresh path-taken
mkdir -p ../repo.wave/demo/alpha
echo "mine" >../repo.wave/demo/alpha/notes.txt
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "worktree path '$TEST_DIR/path-taken/repo.wave/demo/alpha' is taken: it exists and is not empty"
expect_eq "$(footprint "$PWD")" "$before"
expect_eq "$(cat ../repo.wave/demo/alpha/notes.txt)" "mine" "the user's file is untouched"

test_case "when an agent's worktree path is another branch's worktree"
fresh path-worktree
git worktree add -q -b other ../repo.wave/demo/beta
before=$(footprint "$PWD")
run git wave start
expect_rc 128
expect_err "is taken: it is the worktree of branch 'other'"
expect_eq "$(footprint "$PWD")" "$before"

test_case "every taken place is listed at once"
fresh all-taken
git branch wave/demo/alpha
git branch wave/demo/beta
run git wave start
expect_rc 128
expect_err "branch 'wave/demo/alpha' already exists"
expect_err "hint: also: branch 'wave/demo/beta' already exists"

test_case "from an agent's branch"
fresh from-agent
git wave start >/dev/null
cd ../repo.wave/demo/alpha
run git wave start
expect_rc 128
expect_err "error: 'wave/demo/alpha' is the branch of agent 'alpha' of run 'demo'"

test_case "when the plan's base branch does not exist"
fresh no-base
sed -i '1a base = "trunk"' wave.toml
git commit -q -am "base trunk"
run git wave start
expect_rc 128
expect_err "error: branch 'trunk' does not exist or has no commits yet"

test_case "an unknown option is a usage error"
run git wave start --frobnicate
expect_rc 129

test_case "when the run's state changes underneath: start says so and writes nothing more"
fresh race
# Another git wave process records a state change while this start sets up
# beta (simulated by beta's setup, once).
cat >race.sh <<'SH'
[ -e "$HOME/raced" ] && exit 0
touch "$HOME/raced"
ref=refs/wave/demo/state
git update-ref $ref "$(git commit-tree -p $ref -m "another process" "$(git rev-parse $ref^{tree})")"
git rev-parse $ref >"$HOME/other"
SH
sed -i '/^name = "beta"/a setup = ["sh race.sh"]' wave.toml
git add race.sh wave.toml
git commit -q -m "beta races"
run git wave start
expect_rc 128
expect_err "error: the run 'demo' changed underneath; re-run"
expect_eq "$(git rev-parse refs/wave/demo/state)" "$(cat "$HOME/other")" "the other process's state is kept"

test_case "after a lost race, running start again completes the wave"
run git wave start
expect_rc 0
expect_out "completing wave 1"
state_json . | grep -c '"setup": "ok"' >"$TEST_DIR/count"
expect_eq "$(cat "$TEST_DIR/count")" "2"
