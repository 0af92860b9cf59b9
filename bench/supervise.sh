#!/usr/bin/env bash
# What git wave run costs while it supervises many agents at once: the CPU
# of its own processes (the runner and the relays that cap the agents'
# logs), measured while every agent is running, as a share of one core.
#
#   bench/supervise.sh [BUILD_DIR]     (default: build)
#   AGENTS=50 SECONDS_EACH=30 bench/supervise.sh
#
# Each agent writes a line of output a second for SECONDS_EACH seconds,
# then one file. The figure is taken over the middle half of that time,
# from /proc (utime + stime of every git-wave process); the agents' own
# CPU (a shell and a sleep) is not git wave's and is left out. For scale,
# the same is printed of `sleep`-only supervision by the shell: a loop
# that waits on the same agents with `wait`.
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
. "$here/lib.sh"
export PATH="$build:$PATH"

AGENTS=${AGENTS:-50}
SECONDS_EACH=${SECONDS_EACH:-30}
repo=$work/repo

make_big_repo "$repo" 1000
cat >"$work/agent.sh" <<SH
i=0
while [ \$i -lt $SECONDS_EACH ]; do echo "working, step \$i"; sleep 1; i=\$((i + 1)); done
mkdir -p "out/\$GIT_WAVE_AGENT"
echo "done by \$GIT_WAVE_AGENT" >"out/\$GIT_WAVE_AGENT/result.txt"
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

# cpu_ticks: utime + stime, in clock ticks, of every git-wave process now.
cpu_ticks() {
  local total=0 f rest
  for f in /proc/[0-9]*/stat; do
    { read -r rest <"$f"; } 2>/dev/null || continue
    case $rest in *" (git-wave) "*) ;; *) continue ;; esac
    rest=${rest##*) }
    # Fields after the name: state is 1st, utime the 12th, stime the 13th.
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

(cd "$repo" && git wave run) >"$work/run.log" 2>&1 &
pid=$!
# Every agent launched: each has an open log.
deadline=$(($(date +%s) + 60))
until [ "$(find "$repo/.git/wave" -name '*-attempt-[0-9]*.log' ! -name '*.gate-*' 2>/dev/null | wc -l)" -ge "$AGENTS" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "not every agent launched within 60 s:" >&2; cat "$work/run.log" >&2; exit 1; }
  kill -0 "$pid" 2>/dev/null || { echo "git wave run ended early:" >&2; cat "$work/run.log" >&2; exit 1; }
  sleep 0.2
done
window=$((SECONDS_EACH / 2))
sleep "$((SECONDS_EACH / 4))"
t0=$(now_ms) c0=$(cpu_ticks)
sleep "$window"
t1=$(now_ms) c1=$(cpu_ticks)
wait "$pid" || { echo "git wave run failed:" >&2; cat "$work/run.log" >&2; exit 1; }
[ "$(git -C "$repo" ls-files 'out/*' | wc -l)" -eq "$AGENTS" ] || { echo "not every agent landed" >&2; exit 1; }

hz=$(getconf CLK_TCK)
echo "git wave run supervising $AGENTS agents, each writing a line a second (cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v c="$((c1 - c0))" -v hz="$hz" -v t="$((t1 - t0))" -v n="$AGENTS" 'BEGIN {
  cpu = c / hz * 1000
  printf "  over %d ms with every agent running: %d ms of CPU in git-wave processes\n", t, cpu
  printf "  = %.1f%% of one core (%.2f%% an agent)\n", 100 * cpu / t, 100 * cpu / t / n }'
