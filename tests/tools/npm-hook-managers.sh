#!/usr/bin/env bash
# npm-hook-managers.sh DIR: makes sure lefthook and husky from npm are in
# DIR (a cache under the build tree, e.g. build/npm; never global) and prints
# the folder of their commands, DIR/node_modules/.bin. lefthook's npm package
# ships its binary. Installs only what is missing; concurrent callers wait
# for each other. Exit 1, with the reason on stderr, when npm is missing or
# the install fails (offline, say).
set -euo pipefail
dir=${1:?usage: npm-hook-managers.sh DIR}
packages=(lefthook@2 husky@9)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
bin=$dir/node_modules/.bin
installed() { [ -x "$bin/lefthook" ] && [ -x "$bin/husky" ] && "$bin/lefthook" version >/dev/null 2>&1; }
if ! installed; then
  command -v npm >/dev/null || { echo "npm is not installed (.ci/setup installs it)" >&2; exit 1; }
  exec 9>"$dir/.lock"
  flock 9
  if ! installed; then
    # HOME may be a test's: keep npm's cache with the packages.
    # --ignore-scripts: lefthook's postinstall would run `lefthook install` in
    # the repository around DIR (this one); its binary comes without scripts.
    if ! npm install --prefix "$dir" --no-audit --no-fund --no-save --ignore-scripts --cache "$dir/.npm-cache" \
      "${packages[@]}" >"$dir/install.log" 2>&1; then
      echo "npm install ${packages[*]} failed: see $dir/install.log" >&2
      exit 1
    fi
  fi
  installed || { echo "lefthook or husky is missing after npm install: see $dir/install.log" >&2; exit 1; }
fi
echo "$bin"
