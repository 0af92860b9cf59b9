#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz_plan: the plan reader; fuzz_pattern:
# glob compilation, matching and overlap) with clang and runs each for
# SECONDS (default 300), starting from the hostile plans of
# tests/hostile/generate.py and a few pattern seeds. Prints, per target,
# executions, time, corpus size and crashes; exit 1 when a target crashed
# (the input is kept in the build directory as crash-*).
#
# Usage: bash fuzz/run.sh [SECONDS] [--no-install]
#   WAVE_FUZZ_BUILD_DIR   build directory (default: build-fuzz)
#   --no-install          do not install clang with apt-get when it is missing
set -euo pipefail

SECONDS_EACH=300
INSTALL=1
for arg in "$@"; do
  case $arg in
  --no-install) INSTALL=0 ;;
  [0-9]*) SECONDS_EACH=$arg ;;
  *) echo "usage: bash fuzz/run.sh [SECONDS] [--no-install]" >&2; exit 129 ;;
  esac
done
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD_DIR=${WAVE_FUZZ_BUILD_DIR:-$SOURCE_DIR/build-fuzz}

if ! command -v clang++ >/dev/null; then
  if [ "$INSTALL" -eq 0 ]; then
    echo "fuzz/run.sh: clang++ not found" >&2
    exit 2
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -q clang >/dev/null
fi

mkdir -p "$BUILD_DIR"
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWAVE_FUZZ=ON -DWAVE_TESTS=OFF >"$BUILD_DIR/configure.log" 2>&1 || { cat "$BUILD_DIR/configure.log" >&2; exit 1; }
cmake --build "$BUILD_DIR" -j2 --target fuzz_plan fuzz_pattern >"$BUILD_DIR/build.log" 2>&1 ||
  { tail -30 "$BUILD_DIR/build.log" >&2; exit 1; }

# Seeds: the hostile plans (without the multi-megabyte ones) and patterns.
seeds="$BUILD_DIR/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/plan" "$seeds/pattern" "$BUILD_DIR/corpus/plan" "$BUILD_DIR/corpus/pattern"
python3 "$SOURCE_DIR/tests/hostile/generate.py" "$seeds/plan" --no-large >/dev/null
i=0
for seed in 'src/**|src/*.c|src/a.c' '**/*.md|docs/*|docs/x.md' '*a*a|a*a*|aa' '[a-z]?|?[0-9]|a1' \
  'a/**/b|a/*/b|a/x/b' '**/|*/|x/y' '[!a]*/**|b*/x|b/x' 'src/config|src/*/x.json|src/config/x.json' \
  '\*|[*]|*' '[[:alpha:]]*|[[:digit:]]*|a' '**/*.x1|**/*.x10|a.x1'; do
  printf '%s' "$seed" | tr '|' '\0' >"$seeds/pattern/seed-$i"
  i=$((i + 1))
done

status=0
for target in plan pattern; do
  artifacts="$BUILD_DIR/artifacts-$target/"
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  log="$BUILD_DIR/fuzz_$target.log"
  set +e
  "$BUILD_DIR/fuzz/fuzz_$target" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$BUILD_DIR/corpus/$target" "$seeds/$target" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(find "$artifacts" -type f ! -name 'slow-unit-*' | wc -l)
  slow=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -1)
  corpus=$(find "$BUILD_DIR/corpus/$target" -type f | wc -l)
  echo "fuzz_$target: ${execs:-0} executions in ${SECONDS_EACH}s (${secs:-0}/s), corpus $corpus inputs, slowest input ${slow:-0}s, $crashes crash(es), exit $rc"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    grep -E "ERROR|SUMMARY|==[0-9]+==" "$log" | head -20 >&2 || true
    echo "inputs kept in $artifacts; log: $log" >&2
  fi
done
exit "$status"
