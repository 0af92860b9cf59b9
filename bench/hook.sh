#!/usr/bin/env bash
# The pre-commit hook's cost on `git commit` of 200 staged files in a
# 100,000-file repository with a 50-agent plan, side by side in one run with
# the floor every correct hook pays (`git diff --cached --name-only`) and an
# `exit 0` shell hook.
#
#   bench/hook.sh [BUILD_DIR]            (default: build)
#   FILES=100000 STAGED=200 ROUNDS=15 bench/hook.sh
#
# Prints medians in milliseconds (what a hook adds: the median of each
# round's difference); the goal is hook added <= 1.5 x floor.
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

FILES=${FILES:-100000}
STAGED=${STAGED:-200}
ROUNDS=${ROUNDS:-15}
repo=$work/repo

make_big_repo "$repo" "$FILES"
# 50 agents, two top folders each; a01 runs first, the others after it.
{
  echo 'name = "bench"'
  echo 'protected = ["wave.toml"]'
  for i in $(seq 1 50); do
    printf '\n[[agent]]\nname = "a%02d"\ntask = "agent %d"\n' "$i" "$i"
    printf 'owns = ["d%03d/**", "d%03d/**/*.txt"]\n' $(((i - 1) * 2)) $(((i - 1) * 2 + 1))
    [ "$i" -gt 1 ] && printf 'after = ["a01"]\n'
  done
} >"$repo/wave.toml"
cd "$repo"
git add wave.toml
git commit -q -m "plan"
git wave start >/dev/null
# Work on a01's branch in the main worktree (one checkout of the big tree is enough).
git worktree remove --force "$work/repo.wave/bench/a01"
git switch -q wave/bench/a01
[ -x .git/hooks/pre-commit ] || { echo "no hook installed" >&2; exit 1; }

# Stage STAGED modified files that a01 owns.
n=0
for f in $(git ls-files 'd000/*' | head -n "$STAGED"); do
  echo "changed" >>"$f"
  n=$((n + 1))
done
git add -u
[ "$(git diff --cached --name-only | wc -l)" -eq "$STAGED" ] || { echo "staging failed" >&2; exit 1; }

time_ms() { # time_ms CMD...: prints the wall time of CMD in ms (stdout/err dropped)
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1
  e=$(date +%s%N)
  echo $(((e - s) / 1000000))
}
commit_and_undo() { # commit_and_undo [--no-verify]: one commit of the staged set, then undo it keeping the index
  git commit -q "$@" -m "bench" || { echo "commit failed" >&2; exit 1; }
  git reset -q --soft HEAD~1
}

# The hook alone must agree: nothing to reject here.
git wave hook pre-commit || { echo "hook rejected the owned files" >&2; exit 1; }

wave_hook=$(cat .git/hooks/pre-commit)
floor=() with=() without=() shell=() alone=()
commit_and_undo --no-verify # warm up
for r in $(seq 1 "$ROUNDS"); do
  floor+=($(time_ms git diff --cached --name-only))
  without+=($(time_ms commit_and_undo --no-verify))
  with+=($(time_ms commit_and_undo))
  alone+=($(time_ms git wave hook pre-commit))
  printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit
  shell+=($(time_ms commit_and_undo))
  printf '%s\n' "$wave_hook" >.git/hooks/pre-commit
done

# What a hook adds is measured pairwise: each round's commit with the hook
# less the same round's commit without, so that drift between rounds cancels.
added_wave=() added_shell=()
for i in "${!with[@]}"; do
  added_wave+=($((with[i] - without[i])))
  added_shell+=($((shell[i] - without[i])))
done
f=$(median "${floor[@]}")
wo=$(median "${without[@]}")
wi=$(median "${with[@]}")
sh0=$(median "${shell[@]}")
al=$(median "${alone[@]}")
aw=$(median "${added_wave[@]}")
as=$(median "${added_shell[@]}")
echo "pre-commit hook: git commit of $STAGED staged files, $FILES-file repository, 50-agent plan; median of $ROUNDS ms"
printf '  %-52s %6s\n' "floor: git diff --cached --name-only" "$f"
printf '  %-52s %6s\n' "git commit --no-verify" "$wo"
printf '  %-52s %6s   (added %s)\n' "git commit with an 'exit 0' shell hook" "$sh0" "$as"
printf '  %-52s %6s   (added %s)\n' "git commit with git wave's hook" "$wi" "$aw"
printf '  %-52s %6s\n' "git wave hook pre-commit alone" "$al"
awk -v a="$aw" -v s="$as" -v f="$f" 'BEGIN {
  printf "  added / floor: %.2f (goal <= 1.50); an exit 0 hook: %.2f\n", a / f, s / f }'

# Wall times swing with the machine's load; instruction counts do not.
if command -v valgrind >/dev/null; then
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
  }
  git init -q "$work/tiny"
  fi_=$(instructions git diff --cached --name-only)
  hi=$(instructions "$build/git-wave" hook pre-commit)
  # The same binary on a branch that is not an agent's: starting the process
  # (loading libgit2 and its seventeen libraries) and initialising libgit2.
  si=$(cd "$work/tiny" && instructions "$build/git-wave" hook pre-commit)
  echo "instructions (valgrind, independent of load):"
  printf '  %-52s %12s\n' "floor: git diff --cached --name-only" "$fi_" "git wave hook pre-commit" "$hi" \
    "  of which starting git-wave and libgit2" "$si"
  awk -v h="$hi" -v s="$si" -v f="$fi_" 'BEGIN {
    printf "  hook / floor: %.2f; the hook'"'"'s own work (hook - start) / floor: %.2f\n", h / f, (h - s) / f }'
fi
