# npm_pinned DIR "BIN..." [NPM_OPTION...] -- PACKAGE...: sourced by the
# npm-*.sh scripts. Makes sure PACKAGEs (pinned) are installed in DIR (a
# cache under the build tree; never global) with each BIN in
# DIR/node_modules/.bin, and prints that folder. Installs only when a BIN is
# missing or the pins changed; concurrent callers wait for each other
# (flock). Exit 1, with the reason on stderr, when npm is missing or the
# install fails (offline, say). npm's cache stays with the packages: HOME
# may be a test's.
npm_pinned() {
  local dir=$1 bins=$2 options=() packages b
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    options+=("$1")
    shift
  done
  shift
  packages=("$@")
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local bin=$dir/node_modules/.bin
  installed() {
    for b in $bins; do
      [ -x "$bin/$b" ] || return 1
    done
    [ "$(cat "$dir/.pins" 2>/dev/null)" = "${packages[*]}" ]
  }
  if ! installed; then
    command -v npm >/dev/null || { echo "npm is not installed (.ci/setup installs it)" >&2; exit 1; }
    exec 9>"$dir/.lock"
    flock 9
    if ! installed; then
      if ! npm install --prefix "$dir" --no-audit --no-fund --no-save "${options[@]}" --cache "$dir/.npm-cache" \
        "${packages[@]}" >"$dir/install.log" 2>&1; then
        echo "npm install ${packages[*]} failed: see $dir/install.log" >&2
        exit 1
      fi
      echo "${packages[*]}" >"$dir/.pins"
    fi
    installed || { echo "$bins: missing after npm install: see $dir/install.log" >&2; exit 1; }
  fi
  echo "$bin"
}
