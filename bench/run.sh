#!/usr/bin/env bash
# git wave run's cost per wave on a big repository, beside the git work any
# correct tool must do for that wave, measured in the same run:
#
#   - the first wave: one `git worktree add` per agent (a full checkout
#     each), and `git read-tree -m -u` bringing the main worktree along to
#     the merged wave;
#   - each later wave: in each of those worktrees, `git checkout` of the next
#     wave's commit (only the files that changed), and the main worktree's
#     `read-tree -m -u` again.
#
#   bench/run.sh [BUILD_DIR]     (default: build)
#   FILES=100000 AGENTS=8 WAVES=3 ROUNDS=3 bench/run.sh
#   TMPDIR=/dev/shm bench/run.sh          (on tmpfs)
#
# The agents are scripted and instant (they write one file each), the gate
# command is `true`: what remains is git wave's own work (start, launch and
# supervision, proof, lead commits, audit, candidate, gate checkout, merge).
# Each wave is timed alone: `git wave run --one-wave --no-merge`, then
# `git wave merge`. Worktrees moved aside are deleted in the background;
# each round waits for that deletion before the next one starts.
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

FILES=${FILES:-100000}
AGENTS=${AGENTS:-8}
WAVES=${WAVES:-3}
ROUNDS=${ROUNDS:-3}
repo=$work/repo

make_big_repo "$repo" "$FILES"
cat >"$work/agent.sh" <<'SH'
mkdir -p "out/$GIT_WAVE_AGENT"
echo "done by $GIT_WAVE_AGENT" >"out/$GIT_WAVE_AGENT/result.txt"
SH
{
  echo 'name = "bench"'
  echo "max_parallel = $AGENTS"
  echo '[gate]'
  echo 'commands = ["true"]'
  echo '[run]'
  echo "launch = \"sh $work/agent.sh\""
  for w in $(seq 1 "$WAVES"); do
    for i in $(seq 1 "$AGENTS"); do
      printf '\n[[agent]]\nname = "w%da%d"\ntask = "agent %d of wave %d"\nowns = ["out/w%da%d/**"]\n' \
        "$w" "$i" "$i" "$w" "$w" "$i"
      [ "$w" -eq 1 ] || printf 'after = ["w%da%d"]\n' "$((w - 1))" "$i"
    done
  done
} >"$repo/wave.toml"
git -C "$repo" add wave.toml
git -C "$repo" commit -q -m "plan"
base=$(git -C "$repo" rev-parse main)

# The commits the reference moves to: wave W adds one file per agent.
prev=$base
export GIT_INDEX_FILE=$work/bench.index
for w in $(seq 1 "$WAVES"); do
  git -C "$repo" read-tree "$prev"
  for i in $(seq 1 "$AGENTS"); do
    git -C "$repo" update-index --add --cacheinfo \
      "100644,$(echo "done by w${w}a$i" | git -C "$repo" hash-object -w --stdin),out/w${w}a$i/result.txt"
  done
  prev=$(git -C "$repo" commit-tree -p "$prev" -m "wave $w" "$(git -C "$repo" write-tree)")
  git -C "$repo" update-ref "refs/bench/wave$w" "$prev"
done
unset GIT_INDEX_FILE

wait_for_trash() { [ ! -e "$repo/.git/wave/trash.flock" ] || flock "$repo/.git/wave/trash.flock" true; }
clean() {
  wait_for_trash
  git -C "$repo" reset -q --hard "$base"
  rm -rf "$work/wt" "$work/repo.wave"
  git -C "$repo" worktree prune
  git -C "$repo" for-each-ref --format='%(refname)' refs/heads/wt refs/heads/wave refs/wave |
    while read -r ref; do git -C "$repo" update-ref -d "$ref"; done
  rm -rf "$repo/.git/wave"
  sync
}
trap 'wait_for_trash; rm -rf "$work"' EXIT
ms() { awk '{ printf "%d", $1 * 1000 }' <<<"$1"; }
timed() {
  # timed VAR CMD...: appends CMD's wall time in ms to array VAR.
  local name=$1 t
  shift
  t=$( { TIMEFORMAT='%R'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  eval "${name}+=($(ms "$t"))"
}
reference_wave() {
  local w=$1 i
  if [ "$w" -eq 1 ]; then
    for i in $(seq 1 "$AGENTS"); do
      git -C "$repo" worktree add -q --detach "$work/wt/a$i" "$base"
    done
  else
    for i in $(seq 1 "$AGENTS"); do
      git -C "$work/wt/a$i" checkout -q --detach "refs/bench/wave$((w - 1))"
    done
  fi
  git -C "$repo" read-tree -m -u "$(git -C "$repo" rev-parse HEAD)" "refs/bench/wave$w"
  git -C "$repo" update-ref --no-deref HEAD "refs/bench/wave$w"
}
wave_run() { (cd "$repo" && git wave run --one-wave --no-merge && git wave merge) >"$work/wave.log" 2>&1 || { cat "$work/wave.log" >&2; return 1; }; }

for w in $(seq 1 "$WAVES"); do
  declare -a "ref_$w=()" "wave_$w=()"
done
for round in $(seq 1 "$ROUNDS"); do
  clean
  git -C "$repo" update-ref --no-deref HEAD "$base"
  for w in $(seq 1 "$WAVES"); do
    timed "ref_$w" reference_wave "$w"
  done
  clean
  git -C "$repo" checkout -q main
  for w in $(seq 1 "$WAVES"); do
    timed "wave_$w" wave_run
    [ "$(git -C "$repo" ls-files "out/w${w}a*" | wc -l)" -eq "$AGENTS" ] ||
      { echo "wave $w did not land every agent:" >&2; cat "$work/wave.log" >&2; exit 1; }
  done
done
clean

echo "git wave run, $WAVES waves of $AGENTS instant agents on $FILES files, median of $ROUNDS rounds"
echo "  (under ${TMPDIR:-/tmp}: $(df -T "$work" | awk 'NR == 2 { print $2 }'); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-6s %14s %14s %8s   %s\n' wave "git (ms)" "git wave (ms)" ratio "rounds: git | git wave"
total_ref=0 total_wave=0
for w in $(seq 1 "$WAVES"); do
  eval "r_all=(\"\${ref_$w[@]}\"); w_all=(\"\${wave_$w[@]}\")"
  r=$(median "${r_all[@]}")
  x=$(median "${w_all[@]}")
  total_ref=$((total_ref + ${r%.*})) total_wave=$((total_wave + ${x%.*}))
  printf '  %-6s %14s %14s %8s   %s | %s\n' "$w" "$r" "$x" "$(awk -v a="$x" -v b="$r" 'BEGIN { printf "%.2f", a / b }')" \
    "${r_all[*]}" "${w_all[*]}"
done
printf '  %-6s %14s %14s %8s\n' all "$total_ref" "$total_wave" \
  "$(awk -v a="$total_wave" -v b="$total_ref" 'BEGIN { printf "%.2f", a / b }')"
echo "  wave 1's git work: $AGENTS x git worktree add, and git read-tree -m -u in the main worktree;"
echo "  a later wave's: git checkout of the next wave in each of those worktrees, and the read-tree."
