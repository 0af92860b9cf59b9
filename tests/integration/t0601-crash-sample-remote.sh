#!/usr/bin/env bash
# Crash injection, sampled: about 25 points of tests/crash/sweep.sh's flows
# kept on a remote (remote, remote_abort, remote_repair, remote_tidy), killed
# at one syscall each, as t0600 does for the flows on one machine: two
# tests, so that ctest runs them side by side. Needs strace; skipped
# without it.
if ! command -v strace >/dev/null 2>&1; then
  echo "# skipped: strace is not installed (apt-get install strace); the crash sample needs it"
  echo "0 passed, 0 failed"
  exit 0
fi
exec bash "$(dirname "$0")/../crash/sweep.sh" --flows remote,remote_abort,remote_repair,remote_tidy \
  --sample-to "${WAVE_CRASH_SAMPLE:-25}"
