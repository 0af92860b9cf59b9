#!/usr/bin/env bash
# npm-hook-managers.sh DIR: makes sure lefthook and husky from npm are in
# DIR (a cache under the build tree, e.g. build/npm; never global) and prints
# the folder of their commands, DIR/node_modules/.bin. lefthook's npm package
# ships its binary. Installs only what is missing; concurrent callers wait
# for each other. Exit 1, with the reason on stderr, when npm is missing or
# the install fails (offline, say).
set -euo pipefail
. "$(dirname "$0")/npm_pinned.sh"
# --ignore-scripts: lefthook's postinstall would run `lefthook install` in
# the repository around DIR (this one); its binary comes without scripts.
npm_pinned "${1:?usage: npm-hook-managers.sh DIR}" "lefthook husky" --ignore-scripts -- lefthook@2 husky@9
