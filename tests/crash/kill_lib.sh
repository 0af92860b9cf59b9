# Killing git-wave at the syscalls that can change the disk: the injection
# tests/crash/sweep.sh does, for it and for the integration tests that kill
# one command at every such point (t0821). Source after
# tests/integration/lib.sh. What it gives:
#
#   CRASH_SYSCALLS          the syscalls a point may be (writes, renames,
#                           unlinks, directory and link changes, opens,
#                           fsync, flock, process creation)
#   crash_tools_missing     says what is missing (strace, python3, ptrace)
#                           and returns 0; returns 1 when killing can be done
#   traced CMD...           runs CMD (git-wave itself, not a wrapper) under
#                           the reaper and strace tracing CRASH_SYSCALLS into
#                           $TEST_DIR/count.log; exits like CMD
#   points_traced           prints the points of the last `traced`, one
#                           "SYSCALL N" a line (N from 1)
#   killed_at SYSCALL N CMD...  runs CMD under the reaper, killed (SIGKILL)
#                           at its N-th call of SYSCALL; exits 137 when it was,
#                           like CMD when it never got there
#
# strace follows git-wave only (no -f): its children (git, the agents) run
# untouched. The reaper waits, once git-wave is gone, for whatever it left
# running (its children live in their own process groups and outlive it),
# so that what runs next never races with the orphans of a killed run.

CRASH_SYSCALLS=(write pwrite64 rename renameat renameat2 unlink unlinkat rmdir mkdir mkdirat link linkat
                symlink symlinkat openat ftruncate fsync flock clone clone3 vfork execve)
# LeakSanitizer stops the world with ptrace, which a traced process cannot
# do: traced runs of a sanitizer build go without leak checks.
TRACED_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

crash_tools_missing() {
  if ! command -v strace >/dev/null 2>&1; then
    echo "strace is not installed (apt-get install strace)"
  elif ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is not installed"
  elif ! strace -qq -o /dev/null true >/dev/null 2>&1; then
    echo "strace cannot trace here (ptrace not permitted?)"
  else
    return 1
  fi
  return 0
}

# reap.py CMD...: runs CMD as a child subreaper and, once CMD is gone, waits
# for whatever it left running. Exits like CMD (128+signal when killed).
REAP="$TEST_DIR/reap.py"
cat >"$REAP" <<'PY'
import ctypes, os, signal, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status = os.waitpid(pid, 0)
rc = os.waitstatus_to_exitcode(status)
rc = 128 - rc if rc < 0 else rc
deadline = time.time() + 60
while True:
    try:
        p, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if p == 0:
        if time.time() > deadline:
            me = str(os.getpid())
            for d in os.listdir("/proc"):
                try:
                    if d.isdigit() and open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1] == me:
                        os.kill(int(d), signal.SIGKILL)
                except (OSError, IndexError):
                    pass
            deadline = time.time() + 60
        time.sleep(0.005)
sys.exit(rc)
PY

traced() {
  local list
  list=$(IFS=,; echo "${CRASH_SYSCALLS[*]}")
  ASAN_OPTIONS=$TRACED_ASAN_OPTIONS python3 "$REAP" strace -qq -e signal=none -e trace="$list" \
    -o "$TEST_DIR/count.log" "$@"
}

points_traced() {
  local sc n k
  for sc in "${CRASH_SYSCALLS[@]}"; do
    n=$(grep -c "^$sc(" "$TEST_DIR/count.log" || true)
    # The first execve is strace starting git-wave: not a call of git-wave's
    # and not one that inject's when= counts (git-wave's children exec in
    # processes this trace, without -f, does not follow).
    [ "$sc" != execve ] || [ "$n" -eq 0 ] || n=$((n - 1))
    for ((k = 1; k <= n; k++)); do
      echo "$sc $k"
    done
  done
}

killed_at() {
  local sc=$1 n=$2
  shift 2
  ASAN_OPTIONS=$TRACED_ASAN_OPTIONS python3 "$REAP" strace -qq -o /dev/null -e signal=none -e trace="$sc" \
    -e inject="$sc:signal=KILL:when=$n" "$@"
}
