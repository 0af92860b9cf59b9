# Shared helpers for the benchmarks in bench/: hermetic git, a big repository
# made quickly with fast-import, timing in milliseconds.

set -euo pipefail

# Everything a benchmark makes lives under $work, removed on exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/wave-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1
export HOME=$work/home
mkdir -p "$HOME"
export GIT_AUTHOR_NAME="A U Thor" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="C O Mitter" GIT_COMMITTER_EMAIL="committer@example.com"
export LANG=C LC_ALL=C TZ=UTC
git config --global init.defaultBranch main
git config --global user.name "A U Thor"
git config --global user.email "author@example.com"

# make_big_repo DIR FILES: a repository with FILES small files spread over
# d<i>/e<j>/f<k>.txt (100 files per folder, 10 folders per top folder), one
# commit on main, checked out.
make_big_repo() {
  local dir=$1 files=$2
  git init -q "$dir"
  awk -v n="$files" 'BEGIN {
    print "commit refs/heads/main"
    print "committer C O Mitter <committer@example.com> 1112911993 +0000"
    print "data 8"; print "initial"
    for (i = 0; i < n; i++) {
      top = int(i / 1000); mid = int((i % 1000) / 100); leaf = i % 100
      path = sprintf("d%03d/e%02d/f%03d.txt", top, mid, leaf)
      content = sprintf("file %d\n", i)
      print "M 100644 inline " path
      print "data " length(content)
      printf "%s\n", content
    }
  }' | git -C "$dir" fast-import --quiet
  git -C "$dir" reset -q --hard main
}

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
