#!/usr/bin/env bash
# Benchmark: `git wave plan` on a 500-agent plan (goal: under 1 s).
#
# Generates, in a scratch repository, a realistic plan: 500 agents over about
# 20 levels, each owning its module's sources and tests plus a doc page, with
# 1-3 dependencies on earlier agents. A second, adversarial plan gives every
# pattern a wildcard right after its top folder ("src/*/mod7/**"), so the
# literal prefixes cannot rule a pair out and every pair of agents in a wave
# goes through the full overlap check of the two automata. Prints the
# median of several runs of each, next to `git status` on the same repository
# measured in the same run for scale.
#
# usage: bench/plan.sh [build-dir]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
build=$(cd "${1:-$here/build}" && pwd -P)
[ -x "$build/git-wave" ] || { echo "error: no git-wave in '$build': build first" >&2; exit 1; }
export PATH="$build:$PATH"
export GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/tmp}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/wave-bench-plan.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
git init -q -b main repo
cd repo
git -c user.name=b -c user.email=b@example.com commit -q --allow-empty -m initial

python3 - <<'PY'
import random

def plan(path, agents, adversarial):
    rnd = random.Random(500)
    out = ['name = "bench"', 'base = "main"', 'max_parallel = 40',
           'protected = ["wave.toml", ".github/**"]', '',
           '[gate]', 'commands = ["make -j2", "make test"]', 'timeout = "30m"', '']
    level = [0] * agents
    for i in range(agents):
        # About 25 agents per level: depend on 1-3 agents of the previous levels.
        target = i // 25
        deps = []
        if target > 0:
            candidates = [j for j in range(max(0, i - 60), i) if level[j] == target - 1]
            if candidates:
                deps = sorted(set(rnd.sample(candidates, min(len(candidates), rnd.randint(1, 3)))))
        level[i] = 1 + max((level[j] for j in deps), default=-1)
        area = ["core", "net", "ui", "db", "cli"][i % 5]
        if adversarial:
            owns = [f"src/*/mod{i}/**", f"tests/*/mod{i}_*.cpp", f"docs/*/mod{i}.md"]
        else:
            owns = [f"src/{area}/mod{i}/**", f"tests/{area}/mod{i}_*.cpp", f"docs/{area}/mod{i}.md"]
        out += ['[[agent]]', f'name = "agent-{i:03}"',
                f'task = "Implement module {i} of {area}"',
                'owns = [' + ', '.join(f'"{p}"' for p in owns) + ']']
        if deps:
            out.append('after = [' + ', '.join(f'"agent-{j:03}"' for j in deps) + ']')
        out.append(f'estimate = "{rnd.randint(5, 60)}m"')
        out.append('')
    open(path, 'w').write('\n'.join(out))

plan('wave.toml', 500, False)
plan('adversarial.toml', 500, True)
PY

# median_ms CMD...: median wall time of 7 runs, in milliseconds.
median_ms() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(7):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.1f}")
PY
}

git wave plan >/dev/null 2>&1 || { echo "error: the generated plan is not valid:" >&2; git wave plan >&2; exit 1; }
git wave plan --plan adversarial.toml >/dev/null 2>&1 || { echo "error: the adversarial plan is not valid" >&2; exit 1; }
waves=$(git wave plan --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["waves"]))')

floor=$(median_ms git status --porcelain)
text=$(median_ms git wave plan)
json=$(median_ms git wave plan --json)
dot=$(median_ms git wave plan --format=dot)
adv=$(median_ms git wave plan --plan adversarial.toml)

echo "git wave plan, 500 agents in $waves waves, 1500 patterns (median of 7 runs)"
printf '  %-44s %8s ms\n' "git status (same repository: process floor)" "$floor"
printf '  %-44s %8s ms  (%sx git status)\n' "git wave plan" "$text" "$(python3 -c "print(f'{$text / $floor:.1f}')")"
printf '  %-44s %8s ms\n' "git wave plan --json" "$json"
printf '  %-44s %8s ms\n' "git wave plan --format=dot" "$dot"
printf '  %-44s %8s ms\n' "git wave plan, adversarial ('src/*/mod7/**')" "$adv"
verdict=$(python3 -c "print('met' if max($text, $json, $adv) < 1000 else 'MISSED')")
echo "goal (< 1000 ms): $verdict"
