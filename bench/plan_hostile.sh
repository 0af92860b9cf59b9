#!/usr/bin/env bash
# Benchmark: `git wave plan` on the hostile plans of issue 10, with wall
# time and maximum resident memory (/usr/bin/time -v) per plan: two agents
# owning "*a"x5000 and "a*"x5000, "**/"x3000 and "*/"x3000, near-limit
# patterns ("*a"x16 against "a*"x16), 10,000 agents owning **/*.xN in one
# wave, 1,000 agents all owning "**", a chain of 100,000 agents. Every plan
# must be answered (exit 0 or 128) well under a second in bounded memory.
# With a second build directory (e.g. one of an older commit) prints its
# figures alongside. For scale, `git check-ref-format --branch` on 10,000 of
# the chain's branch names, measured in the same run.
#
# usage: bench/plan_hostile.sh [build-dir [other-build-dir]]   (default: build)
#   WAVE_BENCH_TIMEOUT   seconds before a plan counts as not answered (default 120)
#   WAVE_BENCH_MEMORY_MB address-space limit per run (default 4096): an older
#                        build can grow past 13 GB on these plans
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
build=$(cd "${1:-$here/build}" && pwd -P)
other=${2:+$(cd "$2" && pwd -P)}
limit=${WAVE_BENCH_TIMEOUT:-120}
memory=${WAVE_BENCH_MEMORY_MB:-4096}
[ -x "$build/git-wave" ] || { echo "error: no git-wave in '$build': build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
. "$here/bench/lib.sh"
cd "$work"

python3 - <<'PY'
def agents(n, owns, after=None):
    out = ['name = "r"', 'max_parallel = 1000000']
    for i in range(n):
        out += ['[[agent]]', 'name = "a%d"' % i, 'task = "t"', 'owns = ["%s"]' % owns(i)]
        if after and after(i) is not None:
            out.append('after = ["a%d"]' % after(i))
    return "\n".join(out) + "\n"

def pair(a, b):
    return 'name = "r"\n[[agent]]\nname = "a"\nowns = ["%s"]\n[[agent]]\nname = "b"\nowns = ["%s"]\n' % (a, b)

plans = {
    "star-a-5000": pair("*a" * 5000, "a*" * 5000),
    "globstar-3000": pair("**/" * 3000, "*/" * 3000),
    "star-a-16": pair("*a" * 16 + "b", "a*" * 16 + "b"),
    "globstar-10": pair("**/" * 10 + "x", "*/" * 10 + "x"),
    "owners-x-10000": agents(10000, lambda i: "**/*.x%d" % i),
    "all-overlap-1000": agents(1000, lambda i: "**"),
    "chain-100000": agents(100000, lambda i: "f%d" % i, lambda i: i - 1 if i else None),
}
for name, text in plans.items():
    open(name + ".toml", "w").write(text)
open("chain-names", "w").write("\n".join("wave/r/a%d" % i for i in range(10000)) + "\n")
PY

# measure BUILD PLAN: "seconds max-rss-MB exit" of one run.
measure() {
  local exe=$1/git-wave plan=$2
  set +e
  (ulimit -v $((memory * 1024)) && /usr/bin/time -v -o time.txt timeout "$limit" "$exe" plan --plan "$plan") >out.txt 2>err.txt
  local rc=$?
  set -e
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.txt | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)
  [ "$rc" -ne 124 ] || wall=">$limit"
  printf '%s %s %s' "$wall" "$((${rss:-0} / 1024))" "$rc"
}

printf '%-18s %10s %8s %5s' plan seconds "RSS MB" exit
[ -z "$other" ] || printf '   | %10s %8s %5s (%s)' seconds "RSS MB" exit "$other"
printf '\n'
for plan in star-a-5000 globstar-3000 star-a-16 globstar-10 owners-x-10000 all-overlap-1000 chain-100000; do
  read -r s m rc <<<"$(measure "$build" "$plan.toml")"
  printf '%-18s %10s %8s %5s' "$plan" "$s" "$m" "$rc"
  if [ -n "$other" ]; then
    read -r s m rc <<<"$(measure "$other" "$plan.toml")"
    printf '   | %10s %8s %5s' "$s" "$m" "$rc"
  fi
  printf '\n'
done

start=$(now_ms)
while read -r name; do git check-ref-format --branch "$name" >/dev/null; done <chain-names
echo "for scale: git check-ref-format --branch on 10,000 of the chain's branch names: $(($(now_ms) - start)) ms (one process each; git wave plan checks all 100,000 within the chain's time above)"
