#!/usr/bin/env bash
# The built-in demo: a complete multi-wave plan run on a scratch repository by
# scripted agents -- plan, start, agents' commits (one of them rejected by the
# ownership hook), gate, merge, next wave -- printing each step; then the same
# plan run unattended by git wave run, with an agent retried.
#
# Usage: bash tests/demo.sh [BUILD_DIR]   (default: build)
# Touches nothing but a fresh directory under ${TMPDIR:-/tmp}.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd -P)
build=$(cd "${1:-$here/build}" && pwd -P)
[ -x "$build/git-wave" ] || { echo "error: no git-wave in '$build': build first (bash .ci/setup)" >&2; exit 128; }
export PATH="$build:$PATH"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/git-wave-demo.XXXXXX")
# A private git configuration: the user's own is neither read nor changed.
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "Demo Lead"
git config --global user.email "lead@example.com"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

bold=""; dim=""; off=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; dim=$'\033[2m'; off=$'\033[m'; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
say() { printf '%s%s%s\n' "$dim" "$*" "$off"; }
show() { printf '%s$ %s%s\n' "$bold" "${*@Q}" "$off"; "$@"; }

repo="$scratch/greeter"
step "A scratch repository with a plan: $repo"
git init -q "$repo"
cd "$repo"
mkdir -p lib
cat > check.sh <<'SH'
#!/bin/sh
# The gate: every piece the plan promises is there and works together.
set -e
for f in lib/greet.sh bin/greet docs/usage.md tests/greet.t; do
  [ ! -e "$f" ] || echo "found $f"
done
if [ -e bin/greet ]; then
  out=$(sh bin/greet World)
  [ "$out" = "Hello, World!" ] || { echo "bin/greet printed '$out'"; exit 1; }
fi
if [ -e tests/greet.t ]; then sh tests/greet.t; fi
echo "gate: all good"
SH
cat > wave.toml <<'TOML'
# Three waves derived from the dependencies: core, then cli and docs in
# parallel, then tests.
name = "greeter"
protected = ["wave.toml", "check.sh"]

[gate]
commands = ["sh check.sh"]
timeout = "1m"

[[agent]]
name = "core"
task = "Write the greeting library"
owns = ["lib/**"]

[[agent]]
name = "cli"
task = "Add the greet command"
after = ["core"]
owns = ["bin/greet"]

[[agent]]
name = "docs"
task = "Document the greet command"
after = ["core"]
owns = ["docs/**"]

[[agent]]
name = "tests"
task = "Test the greet command"
after = ["cli"]
owns = ["tests/**"]
TOML
git add -A
git commit -q -m "Plan the greeter"
show git wave plan

worktree() { git wave status --json | python3 -c "import json,sys; print(next(a['worktree'] for a in json.load(sys.stdin)['agents'] if a['name']=='$1'))"; }

step "Wave 1: start it"
show git wave start
wt=$(worktree core)
step "Agent 'core' works in its own worktree and commits"
say "(cd $wt)"
mkdir -p "$wt/lib"
printf 'greet() { printf "Hello, %%s!\\n" "$1"; }\n' > "$wt/lib/greet.sh"
git -C "$wt" add lib/greet.sh
show git -C "$wt" commit -q -m "greet(): the greeting"
show git wave gate
show git wave merge

step "Wave 2: cli and docs in parallel"
show git wave start
cli=$(worktree cli); docs=$(worktree docs)
step "What agent 'cli' is told (git wave prompt cli): the brief to hand to a coding agent"
git wave prompt cli | sed 's/^/    /'

mkdir -p "$cli/bin" "$docs/docs"
printf '#!/bin/sh\n. "$(dirname "$0")/../lib/greet.sh"\ngreet "$1"\n' > "$cli/bin/greet"
git -C "$cli" add bin/greet
show git -C "$cli" commit -q -m "bin/greet"
step "Agent 'docs' also edits a file it does not own: the hook refuses"
printf '# greet\n\n    bin/greet NAME\n' > "$docs/docs/usage.md"
echo "# tweaked by docs" >> "$docs/lib/greet.sh"
git -C "$docs" add docs/usage.md lib/greet.sh
show git -C "$docs" commit -q -m "docs and a sneaky fix" || say "(commit refused, exit $?; the index is untouched)"
git -C "$docs" restore --staged lib/greet.sh
git -C "$docs" checkout -q -- lib/greet.sh
say "Agent 'docs' leaves its docs uncommitted: the gate commits them for it (lead-commits mode)"
show git wave status
show git wave gate
show git wave merge

step "Wave 3: tests"
show git wave start
t=$(worktree tests)
mkdir -p "$t/tests"
printf '#!/bin/sh\n[ "$(sh bin/greet Ada)" = "Hello, Ada!" ] && echo "tests: ok"\n' > "$t/tests/greet.t"
git -C "$t" add tests/greet.t
show git -C "$t" commit -q -m "test bin/greet"
show git wave gate
show git wave merge

step "The integration branch: one merge per agent, in wave order"
show git log --oneline --graph main
step "The audit trail of the run, in git"
show git log --oneline refs/wave/greeter/state

step "The same plan again, run unattended: git wave run drives scripted agents"
say "Each agent is a small script that reads its brief on stdin and writes its files;"
say "'cli' fails its first attempt and is relaunched with the failure in its brief."
repo2="$scratch/greeter-run"
git init -q "$repo2"
cd "$repo2"
cp "$repo/check.sh" .
mkdir -p agents
cat > agents/scripted.sh <<'SH'
#!/bin/sh
# A scripted coding agent: the brief arrives on stdin (and in $GIT_WAVE_BRIEF).
brief=$(cat)
echo "agent $GIT_WAVE_AGENT, attempt $GIT_WAVE_ATTEMPT: a brief of $(printf '%s\n' "$brief" | wc -l) lines"
# It takes a moment, as agents do: the report at the end measures it.
case $GIT_WAVE_AGENT in core) sleep 2 ;; docs) sleep 3 ;; *) sleep 1 ;; esac
case $GIT_WAVE_AGENT in
core) mkdir -p lib; printf 'greet() { printf "Hello, %%s!\\n" "$1"; }\n' > lib/greet.sh ;;
cli)
  if [ "$GIT_WAVE_ATTEMPT" = 1 ]; then echo "cli: out of tokens" >&2; exit 2; fi
  mkdir -p bin; printf '#!/bin/sh\n. "$(dirname "$0")/../lib/greet.sh"\ngreet "$1"\n' > bin/greet ;;
docs) mkdir -p docs; printf '# greet\n\n    bin/greet NAME\n' > docs/usage.md ;;
tests) mkdir -p tests; printf '#!/bin/sh\n[ "$(sh bin/greet Ada)" = "Hello, Ada!" ] && echo "tests: ok"\n' > tests/greet.t ;;
esac
SH
sed -e 's/^protected = .*/protected = ["wave.toml", "check.sh", "agents\/**"]/' "$repo/wave.toml" > wave.toml
cat >> wave.toml <<TOML

[run]
launch = "sh $repo2/agents/scripted.sh"
retries = 1
TOML
git add -A
git commit -q -m "Plan the greeter, with scripted agents"
show git wave run
step "Every attempt, with its times, is in the run state"
git show refs/wave/greeter/state:state.json | python3 -c '
import json, sys
for w in json.load(sys.stdin)["waves"]:
    for a in w["attempts"]:
        print("    wave %s  %-6s attempt %d  %s .. %s  %s" % (w["label"], a["agent"], a["number"],
              a["launched_at"], a["exited_at"], a["end"]))'
show git log --oneline --first-parent main
step "What the waves bought: actual against theoretical speedup, and the timeline as a picture"
show git wave report --svg "$scratch/report.svg"
say "Open $scratch/report.svg in a browser: a lane per agent, attempts as bars, gates and merges as marks."
printf '\n%sDemo done.%s Scratch repositories kept at %s (remove them when you like).\n' "$bold" "$off" "$scratch"
