#!/usr/bin/env bash
# Building a wave's candidate: git-wave's in-memory builder against plain git,
# side by side in one run, on the same repository and branches.
#
#   bench/candidate.sh [BUILD_DIR] [FILES] [BRANCHES] [FILES_PER_BRANCH]
#
# Defaults: build, 100000 files, 8 branches of 50 files each (25 modified, 25
# added). Compared, each the median of REPEAT (default 3) runs:
#   (a) `git merge --no-ff` of each branch in turn, in a worktree
#   (b) `git merge-tree --write-tree` + `git commit-tree` per branch (git's own
#       in-memory merge)
#   (c) git-wave's candidate builder (bench/candidate_tool.cpp, linked with the
#       library `git wave gate` uses), one process for all branches
# and the three resulting trees must be identical. KEEP_WORK=1 keeps the
# scratch folder (repository and tool) for profiling.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD=$(cd "${1:-$SRC/build}" && pwd -P)
FILES=${2:-100000}
BRANCHES=${3:-8}
PER=${4:-50}
REPEAT=${REPEAT:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wave-bench-candidate.XXXXXX")
if [ -n "${KEEP_WORK:-}" ]; then
  echo "# keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1 LANG=C LC_ALL=C TZ=UTC
mkdir -p "$HOME"
git config --global user.name "Bench" && git config --global user.email bench@example.com

echo "# compiling the candidate tool against $BUILD/libwave_lib.a"
c++ -O2 -std=c++20 -DTOML_EXCEPTIONS=1 -I"$SRC/src" -I"$BUILD/generated" "$SRC/bench/candidate_tool.cpp" \
  "$BUILD/libwave_lib.a" $(pkg-config --cflags --libs libgit2) -lfmt -lpthread -o "$WORK/candidate_tool"

echo "# repository: $FILES files, $BRANCHES branches of $PER files"
REPO="$WORK/repo"
git init -q -b main "$REPO"
awk -v files="$FILES" -v branches="$BRANCHES" -v per="$PER" 'BEGIN {
  dirs = int((files + 99) / 100)
  print "commit refs/heads/main"; print "mark :1"
  print "committer Bench <bench@example.com> 1112911993 +0000"
  print "data 4"; print "base"
  for (i = 0; i < files; i++) {
    d = int(i / 100); content = sprintf("file %d in folder %d\n", i, d)
    printf "M 100644 inline d%04d/f%02d.txt\ndata %d\n%s\n", d, i % 100, length(content), content
  }
  for (b = 1; b <= branches; b++) {
    d = int(b * dirs / (branches + 1))
    printf "commit refs/heads/b%d\nmark :%d\n", b, b + 1
    print "committer Agent <agent@example.com> 1112912000 +0000"
    printf "data 9\nbranch %d\nfrom :1\n", b
    for (k = 0; k < per; k++) {
      content = sprintf("branch %d change %d\n", b, k)
      if (k < per / 2) path = sprintf("d%04d/f%02d.txt", d, k)
      else path = sprintf("d%04d/new/g%02d.txt", d, k)
      printf "M 100644 inline %s\ndata %d\n%s\n", path, length(content), content
    }
  }
}' | git -C "$REPO" fast-import --quiet
git -C "$REPO" checkout -q main
BRANCH_LIST=$(seq -f 'b%g' 1 "$BRANCHES")
BASE=$(git -C "$REPO" rev-parse main)

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

git -C "$REPO" worktree add -q --detach "$WORK/wt" "$BASE"
a_times=() b_times=() c_times=()
for rep in $(seq "$REPEAT"); do
  git -C "$WORK/wt" checkout -q --detach "$BASE"
  t0=$(now)
  for b in $BRANCH_LIST; do
    git -C "$WORK/wt" merge -q --no-ff -m "merge $b" "$b"
  done
  t1=$(now)
  a_times+=($(( (t1 - t0) / 1000000 )))
  A_TREE=$(git -C "$WORK/wt" rev-parse 'HEAD^{tree}')

  t0=$(now)
  cur=$BASE
  for b in $BRANCH_LIST; do
    tree=$(git -C "$REPO" merge-tree --write-tree "$cur" "$b")
    cur=$(git -C "$REPO" commit-tree -p "$cur" -p "$b" -m "merge $b" "$tree")
  done
  t1=$(now)
  b_times+=($(( (t1 - t0) / 1000000 )))
  B_TREE=$(git -C "$REPO" rev-parse "$cur^{tree}")

  t0=$(now)
  cand=$("$WORK/candidate_tool" "$REPO" "$BASE" $BRANCH_LIST)
  t1=$(now)
  c_times+=($(( (t1 - t0) / 1000000 )))
  C_TREE=$(git -C "$REPO" rev-parse "$cand^{tree}")
done

A=$(printf '%s\n' "${a_times[@]}" | median)
B=$(printf '%s\n' "${b_times[@]}" | median)
C=$(printf '%s\n' "${c_times[@]}" | median)
echo "(a) git merge --no-ff in a worktree:        ${A} ms   (runs: ${a_times[*]})"
echo "(b) git merge-tree + commit-tree per branch: ${B} ms   (runs: ${b_times[*]})"
echo "(c) git-wave candidate builder:              ${C} ms   (runs: ${c_times[*]})"
awk -v a="$A" -v b="$B" -v c="$C" 'BEGIN {
  if (c < 1) c = 1
  printf "ratio (c)/(b) = %.2f   (c)/(a) = %.3f   (goal: (c) no slower than (b))\n", c / b, c / a }'
if [ "$A_TREE" = "$B_TREE" ] && [ "$B_TREE" = "$C_TREE" ]; then
  echo "trees identical: $C_TREE"
else
  echo "TREES DIFFER: (a) $A_TREE (b) $B_TREE (c) $C_TREE" >&2
  exit 1
fi
