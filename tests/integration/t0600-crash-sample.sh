#!/usr/bin/env bash
# Crash injection, sampled: about 50 points of tests/crash/sweep.sh, each a
# mutating command killed at one syscall, rerun, the flow finished and the
# repository checked for convergence. The full sweep runs on demand
# (tests/crash/README.md). Needs strace; skipped without it.
if ! command -v strace >/dev/null 2>&1; then
  echo "# skipped: strace is not installed (apt-get install strace); the crash sample needs it"
  echo "0 passed, 0 failed"
  exit 0
fi
exec bash "$(dirname "$0")/../crash/sweep.sh" --sample-to "${WAVE_CRASH_SAMPLE:-50}"
