#!/usr/bin/env bash
# npm-agents.sh DIR: makes sure the agent CLIs the presets drive (Claude
# Code, Codex CLI, Gemini CLI), pinned, are in DIR (a cache under the build
# tree, e.g. build/npm-agents; never global) and prints the folder of their
# commands, DIR/node_modules/.bin. Installs only what is missing; concurrent
# callers wait for each other. Exit 1, with the reason on stderr, when npm
# is missing or the install fails (offline, say).
set -euo pipefail
. "$(dirname "$0")/npm_pinned.sh"
# Pinned: the tests drive these exact versions (their APIs, settings files
# and hooks); move the pins on purpose. Scripts run: Claude Code and Codex
# fetch their platform binary as optional dependencies, which need none.
packages=(@anthropic-ai/claude-code@2.1.337 @openai/codex@0.171.0 @google/gemini-cli@0.61.0)
npm_pinned "${1:?usage: npm-agents.sh DIR}" "claude codex gemini" -- "${packages[@]}"
