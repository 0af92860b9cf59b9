#!/usr/bin/env bash
# git wave start of 8 agents against 8 sequential `git worktree add` on the
# same 10,000-file repository, measured side by side in one run.
#
#   bench/start.sh [BUILD_DIR]     (default: build)
#   FILES=10000 AGENTS=8 ROUNDS=3 bench/start.sh
#
# Prints the median wall time of each and the ratio (goal: <= 0.5).
# Checkout is file creation, kernel time mostly: on a disk mounted with online
# discard each round's deletions slow the next round's writes (8 sequential
# adds went from 4 s to 21 s here), so TMPDIR=/dev/shm gives steadier figures.
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

FILES=${FILES:-10000}
AGENTS=${AGENTS:-8}
ROUNDS=${ROUNDS:-3}
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

# timed NAME CMD...: runs CMD, appending its wall time (ms) to NAME_wall and
# its CPU time, user + system of it and its children (ms), to NAME_cpu.
timed() {
  local name=$1 t
  shift
  t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  eval "${name}_wall+=($(echo "$t" | awk '{ printf "%d", $1 * 1000 }'))"
  eval "${name}_cpu+=($(echo "$t" | awk '{ printf "%d", ($2 + $3) * 1000 }'))"
}
sequential_git() {
  for i in $(seq 1 "$AGENTS"); do
    git -C "$repo" worktree add -q -b "wt/a$i" "$work/wt/a$i" main
  done
}
# For reference: two `git worktree add` at a time (this races on git's
# metadata now and then, which is why git wave does not do it).
parallel_git() {
  seq 1 "$AGENTS" | xargs -P 2 -I{} git -C "$repo" worktree add -q -b "wt/a{}" "$work/wt/a{}" main || true
}
wave_start() { (cd "$repo" && git wave start --no-hooks); }

git_wall=() git_cpu=() xargs_wall=() xargs_cpu=() wave_wall=() wave_cpu=()
for round in $(seq 1 "$ROUNDS"); do
  clean
  timed git sequential_git
  clean
  timed xargs parallel_git
  clean
  timed wave wave_start
  # The wave's worktrees are real: every agent has every file.
  [ "$(git -C "$work/repo.wave/bench/a1" ls-files | wc -l)" -eq "$((FILES + 1))" ] || { echo "bad checkout" >&2; exit 1; }
  [ -z "$(git -C "$work/repo.wave/bench/a$AGENTS" status --porcelain)" ] || { echo "dirty checkout" >&2; exit 1; }
done
clean

echo "start of $AGENTS agents on $FILES files, median of $ROUNDS rounds (cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-44s %9s %9s\n' "" "wall ms" "CPU ms"
printf '  %-44s %9s %9s   (%s)\n' "$AGENTS x sequential git worktree add" "$(median "${git_wall[@]}")" \
  "$(median "${git_cpu[@]}")" "${git_wall[*]}"
printf '  %-44s %9s %9s   (%s)\n' "xargs -P2 git worktree add (reference)" "$(median "${xargs_wall[@]}")" \
  "$(median "${xargs_cpu[@]}")" "${xargs_wall[*]}"
printf '  %-44s %9s %9s   (%s)\n' "git wave start" "$(median "${wave_wall[@]}")" "$(median "${wave_cpu[@]}")" \
  "${wave_wall[*]}"
awk -v w="$(median "${wave_wall[@]}")" -v x="$(median "${xargs_wall[@]}")" -v g="$(median "${git_wall[@]}")" \
  -v wc="$(median "${wave_cpu[@]}")" -v gc="$(median "${git_cpu[@]}")" 'BEGIN {
  printf "  wall, git wave / sequential git: %.2f (goal <= 0.50); xargs -P2 / sequential git: %.2f\n", w / g, x / g
  printf "  CPU, git wave / sequential git: %.2f (the parallel part can only use idle cores)\n", wc / gc }'
