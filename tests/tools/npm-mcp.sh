#!/usr/bin/env bash
# npm-mcp.sh DIR: makes sure the MCP inspector (@modelcontextprotocol/inspector,
# whose --cli mode the conformance test drives against `git wave mcp`),
# pinned, is in DIR (a cache under the build tree, e.g. build/npm-mcp; never
# global) and prints the folder of its commands, DIR/node_modules/.bin.
# Installs only when missing; concurrent callers wait for each other. Exit 1,
# with the reason on stderr, when npm is missing or the install fails.
set -euo pipefail
dir=${1:?usage: npm-mcp.sh DIR}
# Pinned: the test drives this exact version; move the pin on purpose.
packages=(@modelcontextprotocol/inspector@2.12.0)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
bin=$dir/node_modules/.bin
installed() {
  [ -x "$bin/mcp-inspector" ] && [ "$(cat "$dir/.pins" 2>/dev/null)" = "${packages[*]}" ]
}
if ! installed; then
  command -v npm >/dev/null || { echo "npm is not installed (.ci/setup installs it)" >&2; exit 1; }
  exec 9>"$dir/.lock"
  flock 9
  if ! installed; then
    if ! npm install --prefix "$dir" --no-audit --no-fund --no-save --cache "$dir/.npm-cache" \
      "${packages[@]}" >"$dir/install.log" 2>&1; then
      echo "npm install ${packages[*]} failed: see $dir/install.log" >&2
      exit 1
    fi
    echo "${packages[*]}" >"$dir/.pins"
  fi
  installed || { echo "the MCP inspector is missing after npm install: see $dir/install.log" >&2; exit 1; }
fi
echo "$bin"
