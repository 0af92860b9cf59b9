#!/usr/bin/env bash
# git wave owner: who owns each path, like git check-ignore, on real repositories.
. "$(dirname "$0")/lib.sh"

# owner_repo DIR: a repository with a committed wave.toml of three agents.
owner_repo() {
  new_repo "$1"
  cat >"$1/wave.toml" <<'TOML'
name = "demo"
protected = ["wave.toml", ".github/**"]

[[agent]]
name = "config-schema"
task = "Extend config schema"
owns = ["src/config/**", "schema/*.json"]

[[agent]]
name = "docs"
task = "Update documentation"
owns = ["**/*.md", "src/config/README.md"]

[[agent]]
name = "ci"
task = "Keep CI green"
owns = [".github/workflows/ci.yml"]

[[agent]]
name = "reviewer"
task = "Review everything"
TOML
  git -C "$1" add wave.toml
  git -C "$1" commit -q -m plan
}

owner_repo repo
cd repo

test_case "each path is answered with its owners, one line per path"
run git wave owner src/config/a.c schema/x.json src/config/README.md
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "src/config/a.c: config-schema
schema/x.json: config-schema
src/config/README.md: config-schema, docs"

test_case "protected and unowned paths are named as such, and exit 1"
run git wave owner wave.toml .github/workflows/ci.yml docs/x schema/sub/x.json
expect_rc 1
expect_eq "$(cat "$TEST_DIR/out")" "wave.toml: protected
.github/workflows/ci.yml: ci (protected)
docs/x: (nobody)
schema/sub/x.json: (nobody)"

test_case "files that do not exist yet are answered from the patterns"
run git wave owner src/config/new/deep/file.json
expect_rc 0
expect_out "src/config/new/deep/file.json: config-schema"

test_case "--json prints path, owners and protected for each path"
run git wave owner --json src/config/README.md wave.toml
expect_rc 1
expect_eq "$(tr -d ' \n' <"$TEST_DIR/out")" '[{"path":"src/config/README.md","owners":["config-schema","docs"],"protected":false},{"path":"wave.toml","owners":[],"protected":true}]'

test_case "--stdin reads one path per line"
printf 'src/config/a.c\nNEWS\n' >"$TEST_DIR/in"
run git wave owner --stdin <"$TEST_DIR/in"
expect_rc 1
expect_eq "$(cat "$TEST_DIR/out")" "src/config/a.c: config-schema
NEWS: (nobody)"

test_case "--stdin -z reads and writes NUL-terminated records"
printf 'src/config/a b\nc\0README.md\0' >"$TEST_DIR/in"
run git wave owner --stdin -z <"$TEST_DIR/in"
expect_rc 0
expect_eq "$(tr '\0\n' '|~' <"$TEST_DIR/out")" "src/config/a b~c: config-schema|README.md: docs|"

test_case "--stdin unquotes C-style quoted lines, and the output quotes like git"
printf '"src/config/tab\\there"\n' >"$TEST_DIR/in"
run git wave owner --stdin <"$TEST_DIR/in"
expect_rc 0
expect_out '"src/config/tab\there": config-schema'

test_case "a badly quoted line is fatal"
printf '"src/config/x\n' >"$TEST_DIR/in"
run git wave owner --stdin <"$TEST_DIR/in"
expect_rc 128
expect_err "error: line is badly quoted"

test_case "paths are taken relative to the current directory, like git"
mkdir -p src/config/sub
cd src/config/sub
run git wave owner x.json ../README.md ../../../README.md
cd ../../..
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "src/config/sub/x.json: config-schema
src/config/README.md: config-schema, docs
README.md: docs"

test_case "absolute paths inside the work tree are accepted"
run git wave owner "$PWD/src/config/a.c"
expect_rc 0
expect_out "src/config/a.c: config-schema"

test_case "a path outside the repository is fatal"
run git wave owner ../elsewhere
expect_rc 128
expect_err "error: '../elsewhere' is outside repository at"

test_case "--plan reads another plan"
cat >"$TEST_DIR/other.toml" <<'TOML'
name = "other"
[[agent]]
name = "everything"
task = "All of it"
owns = ["**"]
TOML
run git wave owner --plan "$TEST_DIR/other.toml" docs/x wave.toml
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "docs/x: everything
wave.toml: everything"

test_case "git config wave.plan names the plan"
git config wave.plan "$TEST_DIR/other.toml"
run git wave owner docs/x
git config --unset wave.plan
expect_rc 0
expect_out "docs/x: everything"

test_case "an invalid plan is reported at its place and exits 128"
cat >"$TEST_DIR/bad.toml" <<'TOML'
name = "bad"
[[agent]]
name = "a"
task = "A"
owns = ["src/[x"]
TOML
run git wave owner --plan "$TEST_DIR/bad.toml" src/x
expect_rc 128
expect_err "bad.toml:5:"
expect_err "unbalanced '['"

test_case "a missing plan is fatal"
run git wave owner --plan "$TEST_DIR/none.toml" src/x
expect_rc 128
expect_err "cannot read plan"

test_case "no path, or paths with --stdin, are usage errors"
run git wave owner
expect_rc 129
expect_err "error: no path specified"
run git wave owner --stdin src/x
expect_rc 129
expect_err "error: cannot specify paths with --stdin"
run git wave owner --frobnicate
expect_rc 129

test_case "paths after -- may start with a dash"
run git wave owner -- -x.md
expect_rc 0
expect_out "-x.md: docs"

# The bracket cases of git's own wildmatch table (t/t3070-wildmatch.sh): the
# path '[ab]' against the five patterns that match it there, git ls-files as
# the oracle. A path given as an argument is taken literally, never as a list
# of values (CLI11 read '[ab]' as the list "ab").
bracket_repo() {
  new_repo "$TEST_DIR/brackets"
  touch "$TEST_DIR/brackets/[ab]" "$TEST_DIR/brackets/ab"
  git -C "$TEST_DIR/brackets" add -A
  git -C "$TEST_DIR/brackets" commit -q -m files
}
# bracket_plan PATTERN: agent x owns PATTERN, committed.
bracket_plan() {
  printf 'name = "demo"\n[[agent]]\nname = "x"\nowns = ['"'"'%s'"'"']\n' "$1" >"$TEST_DIR/brackets/wave.toml"
  git -C "$TEST_DIR/brackets" add wave.toml
  git -C "$TEST_DIR/brackets" commit -q -m "plan: $1"
}
bracket_repo
for pattern in '\[ab]' '[[]ab]' '[[:]ab]' '[[:digit]ab]' '[\[:]ab]'; do
  test_case "t3070: '[ab]' is owned through the pattern '$pattern', as git matches it"
  bracket_plan "$pattern"
  expect_eq "$(git -C "$TEST_DIR/brackets" ls-files -- ":(glob)$pattern")" "[ab]" "git ls-files ':(glob)$pattern'"
  run git -C "$TEST_DIR/brackets" wave owner '[ab]'
  expect_rc 0
  expect_eq "$(cat "$TEST_DIR/out")" "[ab]: x"
  run git -C "$TEST_DIR/brackets" wave owner ab
  expect_rc 1
  expect_eq "$(cat "$TEST_DIR/out")" "ab: (nobody)"
done

test_case "t3070: '[[::]ab]' matches nothing in git; the plan refuses it as a pattern"
bracket_plan '[[::]ab]'
expect_eq "$(git -C "$TEST_DIR/brackets" ls-files -- ':(glob)[[::]ab]')" "" "git ls-files"
run git -C "$TEST_DIR/brackets" wave owner '[ab]'
expect_rc 128
expect_err "error: invalid pattern '[[::]ab]' in 'owns': unknown character class '[::]'"

test_case "a path in brackets among others is one path, not a list"
bracket_plan 'x/**'
run git -C "$TEST_DIR/brackets" wave owner ab '[ab]' '[a,b]' $'\x01[c]'
expect_rc 1
expect_eq "$(cut -d: -f1 "$TEST_DIR/out" | tr '\n' ' ')" 'ab [ab] [a,b] "\001[c]" '
run git -C "$TEST_DIR/brackets" wave owner --json -- '[ab]'
expect_out '"path": "[ab]"'


test_case "outside a repository is fatal"
mkdir "$TEST_DIR/norepo"
cd "$TEST_DIR/norepo"
GIT_CEILING_DIRECTORIES=$TEST_DIR run git wave owner x
expect_rc 128
expect_err "not a git repository"

test_case "-h shows the synopsis of the man page"
run git wave owner -h
expect_rc 0
expect_out "usage: git wave owner [--plan <path>] [--json] [-z] [--] <path>..."
expect_out "   or: git wave owner [--plan <path>] [--json] [-z] --stdin"
