#!/usr/bin/env bash
# Benchmark: `git wave owner --stdin` over 100,000 paths with a plan of
# 1,000 patterns, against `git ls-files` matching the same 1,000 pathspecs
# (':(glob)' magic) over the same index, measured in the same run.
#
#   bench/owner.sh [BUILD_DIR]      (default: build)
#
# Both sides read the same scratch index (paths only, no files) and test
# every path against every pattern; `git wave owner` also names the owners
# of each path. Prints both times and the ratio. Run on demand, not in ctest.
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD_DIR=$(cd "${1:-$SOURCE_DIR/build}" && pwd -P)
[ -x "$BUILD_DIR/git-wave" ] || { echo "error: no git-wave in '$BUILD_DIR' (build first)" >&2; exit 128; }
export PATH="$BUILD_DIR:$PATH"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wave-bench-owner.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
export HOME="$WORK" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_FLUSH

PATHS=100000
AGENTS=100
PATTERNS_PER_AGENT=10

# 100,000 paths: 200 modules x 10 directories x 50 files, in five kinds.
generate_paths() {
  awk 'BEGIN {
    split("c h md json txt", ext, " ")
    for (m = 0; m < 200; m++) for (d = 0; d < 10; d++) for (f = 0; f < 50; f++)
      printf "src/mod%d/dir%d/file%d.%s\n", m, d, f, ext[f % 5 + 1]
  }'
}

# Agent a owns 10 patterns in modules 2a and 2a+1: whole directories,
# extensions at one level or below, single files; every tenth agent also
# owns an unanchored "**/" pattern that every path must be tested against.
generate_patterns() {
  awk -v agents="$AGENTS" 'BEGIN {
    for (a = 0; a < agents; a++) {
      m = 2 * a; n = m + 1
      p[0] = sprintf("src/mod%d/dir0/**", m)
      p[1] = sprintf("src/mod%d/dir1", m)
      p[2] = sprintf("src/mod%d/dir2/*.c", m)
      p[3] = sprintf("src/mod%d/dir[34]/*.h", m)
      p[4] = sprintf("src/mod%d/**/*.json", n)
      p[5] = sprintf("src/mod%d/dir5/file1?.md", n)
      p[6] = sprintf("src/mod%d/dir6/file7.txt", n)
      p[7] = sprintf("src/mod%d/dir[7-9]/**/file2*", n)
      p[8] = sprintf("src/mod%d/*/file4[[:digit:]].c", n)
      p[9] = (a % 10 == 0) ? sprintf("**/file%d.md", a) : sprintf("src/mod%d/dir%d/", m, a % 10)
      for (i = 0; i < 10; i++) printf "%d\t%s\n", a, p[i]
    }
  }'
}

write_plan() {
  echo 'name = "bench"'
  echo 'protected = ["wave.toml"]'
  awk -F '\t' 'BEGIN { last = -1 }
    $1 != last { if (NR > 1) print "]"; printf "\n[[agent]]\nname = \"agent%d\"\ntask = \"bench\"\nowns = [", $1; last = $1; sep = "" }
    { printf "%s\"%s\"", sep, $2; sep = ", " }
    END { print "]" }' "$WORK/patterns.tsv"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

echo "# setting up $PATHS paths and $((AGENTS * PATTERNS_PER_AGENT)) patterns in $WORK"
git init -q "$WORK/repo"
cd "$WORK/repo"
generate_paths >"$WORK/paths"
awk '{ printf "100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\t%s\n", $0 }' "$WORK/paths" |
  git update-index --index-info
generate_patterns >"$WORK/patterns.tsv"
write_plan >wave.toml
mapfile -t PATHSPECS < <(cut -f2 "$WORK/patterns.tsv" | sed 's/^/:(glob)/')

[ "$(git ls-files | wc -l)" -eq "$PATHS" ] || { echo "error: index setup failed" >&2; exit 128; }

# Warm the page cache and check both run cleanly.
git ls-files -- "${PATHSPECS[@]}" >/dev/null
git wave owner --stdin <"$WORK/paths" >"$WORK/owner.out" || [ $? -eq 1 ]

t0=$(now)
git ls-files -- "${PATHSPECS[@]}" >"$WORK/git.out"
t1=$(now)
git wave owner --stdin <"$WORK/paths" >"$WORK/owner.out" || [ $? -eq 1 ]
t2=$(now)

git_s=$(elapsed "$t0" "$t1")
wave_s=$(elapsed "$t1" "$t2")
owned=$(grep -vc ': (nobody)$' "$WORK/owner.out" || true)
listed=$(wc -l <"$WORK/git.out")
echo "git ls-files (1,000 pathspecs):      ${git_s} s   ($listed paths matched)"
echo "git wave owner --stdin (1,000 pats): ${wave_s} s   ($owned paths owned or protected)"
awk -v g="$git_s" -v w="$wave_s" 'BEGIN { printf "ratio git / git-wave: %.1fx\n", g / w }'
if [ "$owned" -ne "$listed" ]; then
  echo "error: git lists $listed paths, git wave owner owns $owned" >&2
  exit 1
fi
