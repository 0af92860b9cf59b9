#!/usr/bin/env bash
# npm-agents.sh DIR: makes sure the agent CLIs the presets drive (Claude
# Code, Codex CLI, Gemini CLI), pinned, are in DIR (a cache under the build
# tree, e.g. build/npm-agents; never global) and prints the folder of their
# commands, DIR/node_modules/.bin. Installs only what is missing; concurrent
# callers wait for each other. Exit 1, with the reason on stderr, when npm
# is missing or the install fails (offline, say).
set -euo pipefail
dir=${1:?usage: npm-agents.sh DIR}
# Pinned: the tests drive these exact versions (their APIs, settings files
# and hooks); move the pins on purpose.
packages=(@anthropic-ai/claude-code@2.1.337 @openai/codex@0.171.0 @google/gemini-cli@0.61.0)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
bin=$dir/node_modules/.bin
installed() {
  [ -x "$bin/claude" ] && [ -x "$bin/codex" ] && [ -x "$bin/gemini" ] &&
    [ "$(cat "$dir/.pins" 2>/dev/null)" = "${packages[*]}" ]
}
if ! installed; then
  command -v npm >/dev/null || { echo "npm is not installed (.ci/setup installs it)" >&2; exit 1; }
  exec 9>"$dir/.lock"
  flock 9
  if ! installed; then
    # HOME may be a test's: keep npm's cache with the packages. Scripts run:
    # Claude Code and Codex fetch their platform binary as optional
    # dependencies, which need no script.
    if ! npm install --prefix "$dir" --no-audit --no-fund --no-save --cache "$dir/.npm-cache" \
      "${packages[@]}" >"$dir/install.log" 2>&1; then
      echo "npm install ${packages[*]} failed: see $dir/install.log" >&2
      exit 1
    fi
    echo "${packages[*]}" >"$dir/.pins"
  fi
  installed || { echo "an agent CLI is missing after npm install: see $dir/install.log" >&2; exit 1; }
fi
echo "$bin"
