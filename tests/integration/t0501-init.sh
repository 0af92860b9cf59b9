#!/usr/bin/env bash
# git wave init: the starter plan, --from-tree, never overwriting, the hook.
. "$(dirname "$0")/lib.sh"

# no_file PATH: PATH does not exist.
no_file() { [ ! -e "$1" ] && [ ! -L "$1" ] || fail "'$1' exists"; }

test_case "init writes a commented starter plan that git wave plan accepts"
new_repo plain
cd plain
run git wave init
expect_rc 0
expect_out "wrote 'wave.toml'"
expect_out "installed the pre-commit hook"
expect_out "next steps:"
expect_out "git wave plan"
expect_out "git wave start"
grep -q '^# ' wave.toml || fail "the plan has no comments"
grep -qx 'base = "main"' wave.toml || fail "base is not the current branch: $(cat wave.toml)"
grep -qx 'protected = \["wave.toml"\]' wave.toml || fail "the plan does not protect itself"
grep -qx 'commands = \[\]' wave.toml || fail "a gate was guessed from nothing"
grep -qx '\[run\]' wave.toml || fail "the plan does not show how git wave run launches agents"
grep -q '^# launch = ' wave.toml || fail "the plan does not show 'launch'"
run git wave plan
expect_rc 0
expect_out "plan is valid"
expect_out "3 agents in 2 waves"
[ -x .git/hooks/pre-commit ] || fail "no pre-commit hook installed"
grep -q "git wave hook pre-commit\|hook pre-commit" .git/hooks/pre-commit || fail "the hook does not run git wave"
cd ..

test_case "init refuses to overwrite a plan, and changes nothing"
new_repo taken
printf 'my own plan\n' >taken/wave.toml
cd taken
run git wave init
expect_rc 128
expect_err "'wave.toml' exists already: not overwritten"
expect_eq "$(cat wave.toml)" "my own plan"
no_file .git/hooks/pre-commit
# A dangling symlink is something there too.
rm wave.toml
ln -s nowhere wave.toml
run git wave init --from-tree
expect_rc 128
[ -L wave.toml ] && [ "$(readlink wave.toml)" = nowhere ] || fail "the symlink was replaced"
no_file .git/hooks/pre-commit
cd ..

test_case "a second init leaves the first plan and the hook alone"
cd plain
cp wave.toml ../first.toml
cp .git/hooks/pre-commit ../first-hook
run git wave init
expect_rc 128
cmp -s wave.toml ../first.toml || fail "the plan changed"
cmp -s .git/hooks/pre-commit ../first-hook || fail "the hook changed"
cd ..

test_case "init --from-tree: one agent per top-level folder, owning it"
new_repo tree
commit_file tree src/main.c 'int main;'
commit_file tree src/lib/util.c 'int util;'
commit_file tree docs/guide.md 'guide'
commit_file tree "my dir/notes.txt" 'notes'
commit_file tree my-dir/other.txt 'other'
commit_file tree "glob*[x]/file" 'odd'
commit_file tree .github/workflows/ci.yml 'ci'
commit_file tree Makefile "$(printf 'all:\n\tcc src/main.c\ntest: all\n\t./a.out\n')"
mkdir tree/untracked && echo x >tree/untracked/file
cd tree
run git wave init --from-tree
expect_rc 0
expect_out "5 agents, one per folder at the top of HEAD's tree"
expect_out "gate guessed from Makefile: make; make test"
run git wave plan --list=agents
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'docs\nglob-x\nmy-dir\nmy-dir-2\nsrc')"
run git wave plan
expect_rc 0
expect_out "plan is valid"
grep -q '# Left to the leader (hidden folders): .github/' wave.toml || fail "the hidden folder is not named"
grep -q '"make test", # Makefile' wave.toml || fail "the gate does not name its source: $(cat wave.toml)"
# Each agent owns its folder exactly; top-level files and hidden folders are the leader's.
run git wave owner src/lib/util.c "my dir/notes.txt" my-dir/other.txt "glob*[x]/file" docs/new.md
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'src/lib/util.c: src\nmy dir/notes.txt: my-dir\nmy-dir/other.txt: my-dir-2\nglob*[x]/file: glob-x\ndocs/new.md: docs')" "owners"
run git wave owner README.md Makefile .github/workflows/ci.yml wave.toml "globX/file"
expect_rc 1
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'README.md: (nobody)\nMakefile: (nobody)\n.github/workflows/ci.yml: (nobody)\nwave.toml: protected\nglobX/file: (nobody)')" "leader's paths"
# Untracked folders are not in HEAD's tree.
grep -q untracked wave.toml && fail "an untracked folder got an agent"
cd ..

test_case "init --from-tree needs a commit with a folder"
git init -q empty
cd empty
run git wave init --from-tree
expect_rc 128
expect_err "HEAD has no commit"
no_file wave.toml
no_file .git/hooks/pre-commit
# Without --from-tree an unborn branch is fine.
run git wave init --no-hooks
expect_rc 0
grep -qx 'base = "main"' wave.toml || fail "base is not the unborn branch"
cd ..
new_repo flat
cd flat
run git wave init --from-tree
expect_rc 128
expect_err "no folder at the top"
no_file wave.toml
cd ..

test_case "init guesses the gate from package.json and its lock file"
new_repo node
commit_file node package.json '{"scripts": {"build": "tsc", "test": "jest"}}'
commit_file node yarn.lock ''
cd node
run git wave init --no-hooks
expect_rc 0
expect_out "gate guessed from package.json: yarn install --frozen-lockfile; yarn build; yarn test"
run git wave plan --json
expect_rc 0
python3 -c 'import json,sys; g=json.load(sys.stdin)["gate"]["commands"]; sys.exit(g != ["yarn install --frozen-lockfile", "yarn build", "yarn test"])' <"$TEST_DIR/out" ||
  fail "gate commands: $(cat "$TEST_DIR/out")"
cd ..

test_case "init in a subdirectory writes the plan at the top of the working tree"
new_repo sub
commit_file sub src/a.c 'a'
cd sub/src
run git wave init --no-hooks
expect_rc 0
expect_out "wrote '../wave.toml'"
[ -f ../wave.toml ] || fail "no plan at the top"
no_file wave.toml
cd ../..

test_case "init --plan writes elsewhere, making folders, and says how to find it"
new_repo elsewhere
cd elsewhere
run git wave init --no-hooks --plan plans/release.toml
expect_rc 0
expect_out "wrote 'plans/release.toml'"
expect_out "git config wave.plan plans/release.toml"
grep -qx 'protected = \["plans/release.toml"\]' plans/release.toml || fail "the plan does not protect itself"
no_file wave.toml
run git wave plan --plan plans/release.toml
expect_rc 0
git config wave.plan plans/release.toml
run git wave init --no-hooks
expect_rc 128
expect_err "'plans/release.toml' exists already"
cd ..

test_case "init writes where git config wave.plan points"
new_repo configured
cd configured
git config wave.plan ops/wave.toml
run git wave init --no-hooks
expect_rc 0
[ -f ops/wave.toml ] || fail "not written where wave.plan points"
expect_no_out "git config wave.plan"
run git wave plan
expect_rc 0
cd ..

test_case "an existing pre-commit hook is chained and still runs"
new_repo hooked
cd hooked
cat >.git/hooks/pre-commit <<'HOOK'
#!/bin/sh
echo "old hook ran" >>"$(git rev-parse --git-dir)/old-hook.log"
[ ! -e "$(git rev-parse --git-dir)/old-hook-fails" ]
HOOK
chmod +x .git/hooks/pre-commit
cp .git/hooks/pre-commit ../old-hook
run git wave init
expect_rc 0
expect_out "the hook that was there runs first"
cmp -s .git/hooks/pre-commit.wave-chained ../old-hook || fail "the old hook was not kept as it was"
# A commit on a branch that is no agent's: the old hook runs, git wave lets it pass.
echo change >>README.md
git add README.md
run git commit -q -m "change readme"
expect_rc 0
expect_eq "$(cat .git/old-hook.log)" "old hook ran"
# The old hook can still refuse a commit.
touch .git/old-hook-fails
echo again >>README.md
git add README.md
run git commit -q -m "refused"
[ "$RC" -ne 0 ] || fail "the old hook's refusal was ignored"
expect_eq "$(git log -1 --format=%s)" "change readme"
cd ..

test_case "when the hook cannot be installed, nothing is written"
new_repo managed
cd managed
git config core.hooksPath .husky
run git wave init
expect_rc 128
expect_err "core.hooksPath"
expect_err "git wave init --no-hooks"
no_file wave.toml
no_file .husky/pre-commit
run git wave init --no-hooks --plan plans/wave.toml
expect_rc 0
[ -f plans/wave.toml ] || fail "--no-hooks did not write the plan"
cd ..
new_repo managed2
cd managed2
git config core.hooksPath .husky
run git wave init --plan deep/er/wave.toml
expect_rc 128
no_file deep

test_case "init outside a repository is an error that says how to make one"
mkdir -p "$TEST_DIR/outside"
run env GIT_CEILING_DIRECTORIES="$TEST_DIR" git -C "$TEST_DIR/outside" wave init
expect_rc 128
expect_err "not a git repository"
expect_err "'git init' makes one"
no_file "$TEST_DIR/outside/wave.toml"

test_case "init -h shows the synopsis"
run git wave init -h
expect_rc 0
expect_out "usage: git wave init [--from-tree] [--no-hooks] [--plan <path>]"
run git wave init --bogus
expect_rc 129
