#!/usr/bin/env bash
# Attack, issue 17 item 6: names that a shell, tmux or a terminal would read
# as code. An agent name is restricted to what the plan's hint says
# (letters, digits, '-', '_', '.'), wherever a name is read: the plan, a
# recorded state, a branch. And what tmux expands ("#(cmd)" runs cmd,
# "#{...}" is replaced) never reaches it unescaped: a repository whose path
# holds "#(touch ...)" runs its agents under --tmux in their own worktrees,
# and nothing is run.
. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

test_case "an agent name with tmux's #() and \${IFS} is refused where it is written"
new_repo names
cat >"$TEST_DIR/names/wave.toml" <<'TOML'
name = "demo"
[[agent]]
name = "x#(touch${IFS}PWN)"
owns = ["x/**"]
TOML
run git -C "$TEST_DIR/names" wave plan
expect_rc 128
expect_err "wave.toml:3:8: error: invalid agent name 'x#(touch\${IFS}PWN)': it contains '#'"
expect_err "use letters, digits, '-', '_' and '.', starting with a letter or digit"

test_case "a name starting with '.', or with characters beyond the documented ones, is refused too"
for bad in '.hidden' 'caf\u00e9' 'a$b' 'a;b' 'a`b`' 'a b'; do
  name=$(printf "$bad")
  printf 'name = "demo"\n[[agent]]\nname = "%s"\nowns = ["x/**"]\n' "$name" >"$TEST_DIR/names/wave.toml"
  run git -C "$TEST_DIR/names" wave plan
  expect_rc 128
  expect_err "wave.toml:3:8: error: invalid agent name"
done

test_case "a recorded state naming an agent outside the rule is not read"
make_repo state 'name = "demo"
[gate]
commands = ["true"]
[[agent]]
name = "a"
owns = ["a/**"]'
start_wave
state=$(git -C "$REPO" rev-parse refs/wave/demo/state)
git -C "$REPO" show "$state:state.json" | sed 's/"name": "a"/"name": "a#(touch${IFS}PWN)"/' >"$TEST_DIR/state.json"
blob=$(git -C "$REPO" hash-object -w "$TEST_DIR/state.json")
tree=$( (git -C "$REPO" ls-tree "$state" | grep -v 'state.json'; printf '100644 blob %s\tstate.json\n' "$blob") | git -C "$REPO" mktree)
forged=$(git -C "$REPO" commit-tree "$tree" -p "$state" -m forged)
git -C "$REPO" update-ref refs/wave/demo/state "$forged"
run git -C "$REPO" wave status
expect_rc 128
expect_err "invalid run state: waves[0].agents[0].name: agent name 'a#(touch\${IFS}PWN)' contains '#'"
[ ! -e "$REPO/PWN" ] && [ ! -e "$TEST_DIR/PWN" ] || fail "a command was run"

if command -v tmux >/dev/null; then
  test_case "under --tmux, a repository path with #(...) runs nothing, and agents run in their worktrees"
  TMUX_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/gw-tmux.XXXXXX")
  export TMUX_TMPDIR
  unset TMUX
  trap 'rc=$?; tmux kill-server 2>/dev/null || true; rm -rf "$TMUX_TMPDIR"; (exit $rc); finish' EXIT
  dir="$TEST_DIR/p#(touch \$HOME/PWNED)#{pane_id}"
  mkdir -p "$dir"
  REPO="$dir/repo"
  new_repo "$REPO"
  cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["true"]
[run]
launch = "pwd >where.txt && git add where.txt && git commit -q -m where"
[[agent]]
name = "a"
owns = ["where.txt"]
TOML
  git -C "$REPO" add wave.toml && git -C "$REPO" commit -q -m plan
  run git -C "$REPO" wave run --one-wave --tmux
  expect_rc 0
  [ ! -e "$HOME/PWNED" ] || fail "tmux ran the #() of the repository's path"
  expect_eq "$(git -C "$REPO" show main:where.txt)" "$dir/wt/a"
elif [ "${WAVE_REQUIRE_TOOLS:-0}" = 1 ]; then
  fail "tmux is not installed (WAVE_REQUIRE_TOOLS=1; .ci/setup installs it)"
fi
