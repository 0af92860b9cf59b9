#!/usr/bin/env bash
# Crash injection, sampled: about 25 points of tests/crash/sweep.sh's flows
# on one machine (main, abort, run, repair), each a mutating command killed
# at one syscall, rerun, the flow finished and the repository checked for
# convergence. t0601 samples the flows kept on a remote. The full sweep runs
# on demand (tests/crash/README.md). Needs strace; skipped without it.
if ! command -v strace >/dev/null 2>&1; then
  echo "# skipped: strace is not installed (apt-get install strace); the crash sample needs it"
  echo "0 passed, 0 failed"
  exit 0
fi
exec bash "$(dirname "$0")/../crash/sweep.sh" --flows main,abort,run,repair --sample-to "${WAVE_CRASH_SAMPLE:-25}"
