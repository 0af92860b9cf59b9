#!/usr/bin/env bash
# git wave run's own overhead per wave: everything but the agents' and the
# gate commands' time, on a big repository with several agents, beside the
# checkouts any correct tool must do, measured in the same run: one
# `git worktree add` per agent and one `git read-tree -m -u` (bringing the
# integration branch's worktree along after the merge).
#
#   bench/run.sh [BUILD_DIR]     (default: build)
#   FILES=100000 AGENTS=8 ROUNDS=3 bench/run.sh
#
# The agents are scripted and instant (they write one file each), the gate
# command is `true`: what remains is git wave's own work (start, launch and
# supervision, proof, lead commits, audit, candidate, gate checkout, merge).
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

FILES=${FILES:-100000}
AGENTS=${AGENTS:-8}
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
  for i in $(seq 1 "$AGENTS"); do
    printf '\n[[agent]]\nname = "a%d"\ntask = "agent %d"\nowns = ["out/a%d/**"]\n' "$i" "$i" "$i"
  done
} >"$repo/wave.toml"
git -C "$repo" add wave.toml
git -C "$repo" commit -q -m "plan"
base=$(git -C "$repo" rev-parse main)

clean() {
  git -C "$repo" reset -q --hard "$base"
  rm -rf "$work/wt" "$work/repo.wave"
  git -C "$repo" worktree prune
  git -C "$repo" for-each-ref --format='%(refname)' refs/heads/wt refs/heads/wave refs/wave |
    while read -r ref; do git -C "$repo" update-ref -d "$ref"; done
  rm -rf "$repo/.git/wave"
  sync
}
timed() {
  local name=$1 t
  shift
  t=$( { TIMEFORMAT='%R'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  eval "${name}+=($(echo "$t" | awk '{ printf "%d", $1 * 1000 }'))"
}
checkouts() {
  for i in $(seq 1 "$AGENTS"); do
    git -C "$repo" worktree add -q -b "wt/a$i" "$work/wt/a$i" main
  done
}
bring_along() {
  # What the merge must do to the main worktree: move it to a commit that
  # adds one file per agent.
  local tree next
  git -C "$work/wt/a1" commit -q --allow-empty -m next
  next=$(git -C "$repo" rev-parse wt/a1)
  git -C "$repo" read-tree -m -u "$base" "$next"
}
wave_run() { (cd "$repo" && git wave run --one-wave --no-merge >/dev/null && git wave merge >/dev/null); }

git_add=() git_readtree=() wave=()
for round in $(seq 1 "$ROUNDS"); do
  clean
  timed git_add checkouts
  timed git_readtree bring_along
  clean
  timed wave wave_run
  [ "$(git -C "$repo" ls-files out | wc -l)" -eq "$AGENTS" ] || { echo "the run did not land every agent" >&2; exit 1; }
done
clean

g=$(median "${git_add[@]}"); r=$(median "${git_readtree[@]}"); w=$(median "${wave[@]}")
echo "git wave run, one wave of $AGENTS instant agents on $FILES files, median of $ROUNDS rounds (cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-52s %9s ms   (%s)\n' "$AGENTS x git worktree add" "$g" "${git_add[*]}"
printf '  %-52s %9s ms   (%s)\n' "git read-tree -m -u (the main worktree follows)" "$r" "${git_readtree[*]}"
printf '  %-52s %9s ms   (%s)\n' "git wave run: start, launch, prove, gate, merge" "$w" "${wave[*]}"
awk -v w="$w" -v g="$g" -v r="$r" 'BEGIN {
  printf "  git wave run / the checkouts it must do: %.2f; its own overhead: %d ms per wave\n", w / (g + r), w - g - r }'
