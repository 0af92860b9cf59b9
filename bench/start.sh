#!/usr/bin/env bash
# git wave start of 8 agents against 8 sequential `git worktree add` on the
# same 10,000-file repository, measured side by side in one run.
#
#   bench/start.sh [BUILD_DIR]     (default: build)
#   FILES=10000 AGENTS=8 ROUNDS=3 bench/start.sh
#
# Prints the median wall time of each and the ratio (goal: <= 0.5).
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

FILES=${FILES:-10000}
AGENTS=${AGENTS:-8}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/wave-bench-start.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo

make_big_repo "$repo" "$FILES"
{
  echo 'name = "bench"'
  for i in $(seq 1 "$AGENTS"); do
    printf '\n[[agent]]\nname = "a%d"\ntask = "agent %d"\nowns = ["d%03d/**"]\n' "$i" "$i" "$i"
  done
} >"$repo/wave.toml"
git -C "$repo" add wave.toml
git -C "$repo" commit -q -m "plan"

clean() {
  rm -rf "$work/wt" "$work/repo.wave"
  git -C "$repo" worktree prune
  git -C "$repo" for-each-ref --format='%(refname)' refs/heads/wt refs/heads/wave refs/wave |
    while read -r ref; do git -C "$repo" update-ref -d "$ref"; done
  rm -rf "$repo/.git/wave"
  sync # start each measurement with no writeback pending from the last
}

git_times=()
xargs_times=()
wave_times=()
for round in $(seq 1 "$ROUNDS"); do
  clean
  start=$(now_ms)
  for i in $(seq 1 "$AGENTS"); do
    git -C "$repo" worktree add -q -b "wt/a$i" "$work/wt/a$i" main
  done
  git_times+=($(($(now_ms) - start)))

  # For reference: two `git worktree add` at a time (this races on git's
  # metadata now and then, which is why git wave does not do it).
  clean
  start=$(now_ms)
  seq 1 "$AGENTS" | xargs -P 2 -I{} git -C "$repo" worktree add -q -b "wt/a{}" "$work/wt/a{}" main || true
  xargs_times+=($(($(now_ms) - start)))

  clean
  start=$(now_ms)
  (cd "$repo" && git wave start --no-hooks >/dev/null)
  wave_times+=($(($(now_ms) - start)))
  # The wave's worktrees are real: every agent has every file.
  [ "$(git -C "$work/repo.wave/bench/a1" ls-files | wc -l)" -eq "$((FILES + 1))" ] || { echo "bad checkout" >&2; exit 1; }
  [ -z "$(git -C "$work/repo.wave/bench/a$AGENTS" status --porcelain)" ] || { echo "dirty checkout" >&2; exit 1; }
done
clean

g=$(median "${git_times[@]}")
x=$(median "${xargs_times[@]}")
w=$(median "${wave_times[@]}")
echo "start of $AGENTS agents on $FILES files, median of $ROUNDS rounds (cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-44s %8s ms   (%s)\n' "$AGENTS x sequential git worktree add" "$g" "${git_times[*]}"
printf '  %-44s %8s ms   (%s)\n' "xargs -P2 git worktree add (reference)" "$x" "${xargs_times[*]}"
printf '  %-44s %8s ms   (%s)\n' "git wave start" "$w" "${wave_times[*]}"
awk -v w="$w" -v x="$x" -v g="$g" 'BEGIN {
  printf "  ratio git wave / sequential git: %.2f (goal <= 0.50); xargs -P2 / sequential git: %.2f\n", w / g, x / g }'
