#!/usr/bin/env bash
# The README's lead-agent recipe ("Driving it from a lead agent"), run as
# written with a scripted `claude` that takes a while and commits its work:
# the gate must run only once every agent has finished.
. "$(dirname "$0")/lib.sh"

# The first ```bash block of the README's section "Driving it from a lead agent".
recipe=$(awk '
  /^## Driving it from a lead agent/ { section = 1; next }
  section && /^## / { exit }
  section && /^```bash$/ { block = 1; next }
  block && /^```$/ { exit }
  block { print }' "$SOURCE_DIR/README.md")
[ -n "$recipe" ] || fail "no bash block in the README's section 'Driving it from a lead agent'"
command -v jq >/dev/null || fail "jq is not installed (.ci/setup installs it)"

# The scripted agent: claude -p BRIEF ...: works for a second in its
# worktree, then commits a file it owns.
mkdir bin
cat >bin/claude <<'SH'
#!/bin/sh
[ "$1" = -p ] || { echo "claude: expected -p BRIEF" >&2; exit 2; }
agent=$(printf '%s\n' "$2" | sed -n "s/^# Brief for agent '\([^']*\)'.*/\1/p")
[ -n "$agent" ] || { echo "claude: no agent in the brief" >&2; exit 2; }
sleep 1
mkdir -p "src/$agent"
echo "done by $agent" >"src/$agent/done.txt"
git add "src/$agent/done.txt"
git commit -q -m "$agent: done"
SH
chmod +x bin/claude
export PATH="$TEST_DIR/bin:$PATH"

new_repo repo
cd repo
cat >wave.toml <<'TOML'
name = "demo"
protected = ["wave.toml"]

[gate]
commands = ["test -f src/alpha/done.txt && test -f src/beta/done.txt"]

[[agent]]
name = "alpha"
task = "Do alpha's part"
owns = ["src/alpha/**"]

[[agent]]
name = "beta"
task = "Do beta's part"
owns = ["src/beta/**"]
TOML
git add wave.toml
git commit -q -m "plan"

test_case "the README's recipe waits for every agent before the gate, then lands the wave"
run bash -c "$recipe"
expect_rc 0
expect_out "gate wave 1: pass"
expect_out "merged wave 1"
expect_eq "$(git show main:src/alpha/done.txt)" "done by alpha"
expect_eq "$(git show main:src/beta/done.txt)" "done by beta"
