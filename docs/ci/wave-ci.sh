#!/usr/bin/env bash
# The commands a CI runs for git wave, in one place: the GitHub Actions and
# GitLab CI workflows beside this file call it, and git-wave's own test
# (tests/integration/t0840-ci.sh) runs those workflows' commands as they are.
# Copy it into your repository as ci/wave-ci.sh (and protect it in the plan:
# protected = ["wave.toml", "ci/**", ".github/**", ".gitlab-ci.yml"]).
#
#   wave-ci.sh install             git-wave from a .deb ($GIT_WAVE_DEB: a path or
#                                  an URL) or from source ($GIT_WAVE_SOURCE: a git
#                                  URL, $GIT_WAVE_REF: its branch or tag); nothing
#                                  when git wave is already on PATH
#   wave-ci.sh audit [<branch>]    audit an agent branch (default: the branch CI
#                                  built: $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME):
#                                  writes audit.xml (JUnit)
#   wave-ci.sh gate-and-merge      gate the run's current wave on the remote's
#                                  tips, write gate.json and gate.xml (JUnit), and
#                                  merge it when it passed
#
# Environment: WAVE_REMOTE (default origin), WAVE_RUN (the run, when the
# remote has several), WAVE_REPORTS (where the reports go, default .),
# WAVE_PUSH_URL (a URL to push with, when the one CI fetched with may not
# push: GitLab's job token). Exit codes are git wave's: 0 ok, 1 not
# satisfied (foreign paths, a failed gate, a wave that moved), 128 fatal,
# 129 usage.
set -euo pipefail

remote=${WAVE_REMOTE:-origin}
reports=${WAVE_REPORTS:-.}

usage() {
  echo "usage: wave-ci.sh (install | audit [<branch>] | gate-and-merge)" >&2
  exit 129
}

# Root runs apt-get itself (GitLab's images); anyone else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_git_wave() {
  if git wave --version >/dev/null 2>&1; then
    echo "wave-ci: $(git wave --version) is installed"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -n "${GIT_WAVE_DEB:-}" ]; then
    local deb=$GIT_WAVE_DEB
    as_root apt-get update -qq
    as_root apt-get install -y -qq git ca-certificates curl
    case $deb in
    http://* | https://*)
      curl -fsSL -o /tmp/git-wave.deb "$deb"
      deb=/tmp/git-wave.deb
      ;;
    esac
    as_root apt-get install -y -qq "$(realpath "$deb")"
  elif [ -n "${GIT_WAVE_SOURCE:-}" ]; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq g++ cmake make pkg-config git ca-certificates libgit2-dev libcli11-dev \
      libtomlplusplus-dev libfmt-dev nlohmann-json3-dev libutf8proc-dev
    local src
    src=$(mktemp -d)
    git clone --quiet --depth 1 ${GIT_WAVE_REF:+--branch "$GIT_WAVE_REF"} "$GIT_WAVE_SOURCE" "$src"
    cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$src/build" -j"$(nproc)"
    as_root cmake --install "$src/build" >/dev/null
  else
    echo "wave-ci: git wave is not installed: set GIT_WAVE_DEB (a .deb's path or URL) or GIT_WAVE_SOURCE (a git URL)" >&2
    exit 128
  fi
  git wave --version
}

case ${1-} in
install)
  [ $# -eq 1 ] || usage
  install_git_wave
  ;;
audit)
  [ $# -le 2 ] || usage
  branch=${2:-${GITHUB_REF_NAME:-${CI_COMMIT_REF_NAME:-}}}
  if [ -z "$branch" ]; then
    echo "wave-ci: which branch? name it, or run where CI names it (GITHUB_REF_NAME, CI_COMMIT_REF_NAME)" >&2
    exit 129
  fi
  # The run's state comes from the remote: a clone has no refs/wave/*.
  exec git wave audit --remote "$remote" --junit "$reports/audit.xml" "$branch"
  ;;
gate-and-merge)
  [ $# -eq 1 ] || usage
  run=()
  [ -z "${WAVE_RUN:-}" ] || run=(--run "$WAVE_RUN")
  [ -z "${WAVE_PUSH_URL:-}" ] || git remote set-url --push "$remote" "$WAVE_PUSH_URL"
  rc=0
  git wave gate --remote "$remote" "${run[@]}" --json --junit "$reports/gate.xml" >"$reports/gate.json" || rc=$?
  if [ $rc -ne 0 ]; then
    echo "wave-ci: the gate did not pass (exit $rc): nothing merged; gate.json and gate.xml say why" >&2
    exit $rc
  fi
  exec git wave merge --remote "$remote" "${run[@]}"
  ;;
*)
  usage
  ;;
esac
