#!/usr/bin/env bash
# Crash-injection sweep: kills each mutating git-wave command at every point
# where it calls a syscall that can change the disk, reruns it, finishes the
# flow and checks that the repository converged to what an uninterrupted run
# gives. See tests/crash/README.md.
#
# Usage: GIT_WAVE_BUILD_DIR=DIR bash tests/crash/sweep.sh [--sample N | --sample-to K]
#            [--only CMD] [--syscalls S1,S2,...] [--list]
#   --sample N      run every N-th point of the full list (a fixed stride)
#   --sample-to K   choose the stride that gives about K points
#   --only CMD      one command: start, commit, gate, merge, start2, abort,
#                   run, repair, rstart, rcommit, rgate, rmerge, rabort,
#                   rrepair, rtidy
#   --flows L       only the commands of these flows (comma-separated: main,
#                   abort, run, repair, remote, remote_abort, remote_repair,
#                   remote_tidy); the others are not even set up
#   --syscalls L    only these syscalls (comma-separated)
#   --list          print the points and exit
# Exit 0 when every point converged, 1 otherwise.

SAMPLE=1
SAMPLE_TO=0
ONLY=""
ONLY_SYSCALLS=""
ONLY_FLOWS=""
LIST_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --sample) SAMPLE=${2:?--sample needs a number}; shift 2 ;;
    --sample=*) SAMPLE=${1#*=}; shift ;;
    --sample-to) SAMPLE_TO=${2:?--sample-to needs a number}; shift 2 ;;
    --sample-to=*) SAMPLE_TO=${1#*=}; shift ;;
    --only) ONLY=${2:?--only needs a command}; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --flows) ONLY_FLOWS=${2:?--flows needs a list}; shift 2 ;;
    --flows=*) ONLY_FLOWS=${1#*=}; shift ;;
    --syscalls) ONLY_SYSCALLS=${2:?--syscalls needs a list}; shift 2 ;;
    --syscalls=*) ONLY_SYSCALLS=${1#*=}; shift ;;
    --list) LIST_ONLY=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sweep.sh: unknown argument '$1' (see --help)" >&2; exit 129 ;;
  esac
done
case $SAMPLE in ''|*[!0-9]*|0) echo "sweep.sh: --sample needs a positive number" >&2; exit 129 ;; esac
case $SAMPLE_TO in ''|*[!0-9]*) echo "sweep.sh: --sample-to needs a number" >&2; exit 129 ;; esac

. "$(dirname "$0")/../integration/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
# The sweep handles every failure itself: a point that does not converge is
# recorded, not fatal.
set +e

SWEEP_START=$(date +%s)
. "$SOURCE_DIR/tests/crash/kill_lib.sh"
if [ -n "$ONLY_SYSCALLS" ]; then
  IFS=, read -r -a CRASH_SYSCALLS <<<"$ONLY_SYSCALLS"
fi
SYSCALLS=("${CRASH_SYSCALLS[@]}")
RERUN_ATTEMPTS=3

if missing=$(crash_tools_missing); then
  echo "sweep.sh: $missing" >&2
  exit 1
fi

# --- the scenario ----------------------------------------------------------
# Worktrees go inside the scenario directory (../wt/<agent> from the
# repository), so one `cp -a` of the scenario copies everything. Worktrees
# record absolute paths: a snapshot is always restored to the path it was
# taken from.

# Some flows gate a wave in which an agent did nothing: the plan allows it.
PLAN='name = "crash"
worktrees = "../wt/{agent}"
protected = ["wave.toml"]
allow_empty = true

[gate]
commands = ["test -f a/x"]
timeout = "60s"

[run]
launch = "mkdir -p \"$GIT_WAVE_AGENT\" && echo \"$GIT_WAVE_AGENT by run\" >\"$GIT_WAVE_AGENT/x\""

[[agent]]
name = "a"
task = "Write a"
owns = ["a/**"]

[[agent]]
name = "b"
task = "Write b"
owns = ["b/**"]

[[agent]]
name = "c"
task = "Build on a"
after = ["a"]
owns = ["c/**"]'

# A flow is a list of steps "NAME KIND ARGS...": NAME is the command's name
# in the sweep when the step is crash-tested, "-" otherwise. KIND is `wave`
# (a git-wave command that must succeed), `work AGENT PATH CONTENT` (the
# agent commits a file itself), `sneak AGENT PATH CONTENT` (the same with
# --no-verify, for a file it does not own) or `leave AGENT PATH CONTENT` (the
# agent leaves it uncommitted, for the lead commit).
# shellcheck disable=SC2034 # read through a nameref
FLOW_main=(
  "start  wave start"
  "-      work a a/x a-1"
  "-      leave b b/y b-1"
  "commit wave commit"
  "gate   wave gate"
  "merge  wave merge"
  "start2 wave start"
  "-      work c c/z c-1"
  "-      leave c c/w c-2"
  "-      wave gate"
  "-      wave merge"
)
# shellcheck disable=SC2034
FLOW_abort=(
  "-      wave start"
  "-      work a a/x a-old"
  "-      leave b b/y b-old"
  "abort  wave abort"
  "-      wave start"
  "-      work a a/x a-new"
  "-      leave b b/y b-new"
  "-      wave gate"
  "-      wave merge"
)
# git wave run alone: both waves, its agents scripted by the plan's launch.
# shellcheck disable=SC2034
FLOW_run=(
  "run    wave run"
)
# shellcheck disable=SC2034
FLOW_repair=(
  "-      wave start"
  "-      work a a/x a-1"
  "-      sneak a b/stolen s-1"
  "-      work a a/y a-2"
  "repair wave repair a"
  "-      wave gate"
  "-      wave merge"
)
# The run kept on a remote (a bare repository with the server's hook): the
# commands fetch first and publish by atomic pushes; a kill between a push
# and what follows it here must converge too, on both sides.
# shellcheck disable=SC2034
FLOW_remote=(
  "rstart wave start"
  "-      work a a/x a-1"
  "-      leave b b/y b-1"
  "rcommit wave commit"
  "rgate  wave gate"
  "rmerge wave merge"
  "-      wave start"
  "-      work c c/z c-1"
  "-      wave gate"
  "-      wave merge"
)
# Abort and repair with the remote: each publishes a rewrite (the aborted
# wave's branches leave the server once an archive keeps them there; the
# repaired branch replaces the server's).
# shellcheck disable=SC2034
FLOW_remote_abort=(
  "-      wave start"
  "-      work a a/x a-old"
  "-      wave gate"
  "-      leave b b/y b-old"
  "rabort wave abort"
  "-      wave start"
  "-      work a a/x a-new"
  "-      leave b b/y b-new"
  "-      wave gate"
  "-      wave merge"
)
# shellcheck disable=SC2034
FLOW_remote_repair=(
  "-      wave start"
  "-      work a a/x a-1"
  "-      wave gate"
  "-      sneak a b/stolen s-1"
  "-      work a a/y a-2"
  "rrepair wave repair a"
  "-      wave gate"
  "-      wave merge"
)
# Another machine (`wave2`: git wave in a second clone of the server, with
# no worktree of its own) gates and merges wave 1; this clone's next command
# then takes its worktrees and branches of the wave away, as its own merge
# would have, before it starts wave 2 (`rtidy`).
# shellcheck disable=SC2034
FLOW_remote_tidy=(
  "-      wave start"
  "-      work a a/x a-1"
  "-      work b b/y b-1"
  "-      wave gate"
  "-      wave2 gate"
  "-      wave2 merge"
  "rtidy  wave start"
  "-      work c c/z c-1"
  "-      wave gate"
  "-      wave merge"
)
FLOWS=(main abort run repair remote remote_abort remote_repair remote_tidy)
COMMANDS=(start commit gate merge start2 abort run repair rstart rcommit rgate rmerge rabort rrepair rtidy)

# remote_flow FLOW: whether FLOW keeps its run on a remote.
remote_flow() { [[ $1 == remote* ]]; }

if [ -n "$ONLY_FLOWS" ]; then
  IFS=, read -r -a wanted <<<"$ONLY_FLOWS"
  for flow in "${wanted[@]}"; do
    case " ${FLOWS[*]} " in
      *" $flow "*) ;;
      *) echo "sweep.sh: --flows takes some of: ${FLOWS[*]}" >&2; exit 129 ;;
    esac
  done
  FLOWS=("${wanted[@]}")
fi
if [ -n "$ONLY" ]; then
  case " ${COMMANDS[*]} " in
    *" $ONLY "*) ;;
    *) echo "sweep.sh: --only takes one of: ${COMMANDS[*]}" >&2; exit 129 ;;
  esac
fi

# setup_scenario DIR: the repository DIR/repo with the plan on main; DIR/rec
# records what the flow does (setup commits, agent commits, uncommitted work).
setup_scenario() {
  mkdir -p "$1/rec"
  new_repo "$1/repo"
  if remote_flow "${2:-}"; then
    printf 'remote = "origin"\n%s\n' "$PLAN" >"$1/repo/wave.toml"
  else
    printf '%s\n' "$PLAN" >"$1/repo/wave.toml"
  fi
  git -C "$1/repo" add wave.toml
  git -C "$1/repo" commit -q -m "plan"
  if remote_flow "${2:-}"; then
    git init -q --bare "$1/server.git"
    git -C "$1/server.git" wave hook install >/dev/null
    git -C "$1/repo" remote add origin "file://$1/server.git"
    git -C "$1/repo" push -q origin main
    git clone -q "file://$1/server.git" "$1/repo2"
  fi
  git -C "$1/repo" rev-list main >"$1/rec/setup"
  : >"$1/rec/commits"
  : >"$1/rec/left"
}

# first_error ERR [OUT]: the line that says what went wrong, for reports:
# from stderr, else from stdout (commit and gate report an agent's error
# there: "error     b: ...", "fail    commit b ..."), else stderr's first.
first_error() {
  local line
  line=$(grep -m1 -E '^(error|fatal|not ok)' "$1" 2>/dev/null) ||
    line=$(grep -m1 -E '^(error|fail) ' "${2:-/dev/null}" 2>/dev/null | tr -s ' ') ||
    line=$(grep -m1 . "$1" 2>/dev/null)
  printf '%s' "${line:-(no output)}"
}

# normalise: hashes, numbers out of a message, to compare refusals.
normalise() { sed -E 's/[0-9a-f]{7,40}/<hex>/g; s/[0-9]+/<n>/g'; }

# run_step SCEN STEP: runs one step in scenario SCEN; output in $TEST_DIR/step.out
# and step.err, exit code in STEP_RC.
run_step() {
  local scen=$1 name kind rest
  read -r name kind rest <<<"$2"
  REPO="$scen/repo"
  case $kind in
    wave|wave2)
      [ "$kind" = wave ] || REPO="$scen/repo2"
      # shellcheck disable=SC2086
      (cd "$REPO" && git-wave $rest) >"$TEST_DIR/step.out" 2>"$TEST_DIR/step.err"
      STEP_RC=$?
      # Worktrees moved aside are deleted in the background: done before
      # the scenario is looked at or copied.
      wait_for_trash "$scen"
      REPO="$scen/repo"
      ;;
    work|leave|sneak)
      local agent path content
      read -r agent path content <<<"$rest"
      (
        set -e
        if [ "$kind" = sneak ]; then
          work "$agent" "$path" "$content" --no-verify
        else
          "$kind" "$agent" "$path" "$content"
        fi
        dir=$(wt "$agent")
        if [ "$kind" != leave ]; then
          git -C "$dir" rev-parse HEAD >>"$scen/rec/commits"
        else
          printf '%s %s\n' "$(git -C "$dir" hash-object -- "$path")" "$path" >>"$scen/rec/left"
        fi
      ) >"$TEST_DIR/step.out" 2>"$TEST_DIR/step.err"
      STEP_RC=$?
      ;;
    *) echo "sweep.sh: bad step '$2'" >&2; exit 2 ;;
  esac
}

# pass_candidates REPO: every candidate a passing gate recorded, in the whole
# history of every run's state.
pass_candidates() {
  python3 - "$1" <<'PY'
import json, subprocess, sys
repo = sys.argv[1]
def git(*args, inp=None):
    return subprocess.run(["git", "-C", repo, *args], input=inp, capture_output=True, text=True).stdout
refs = [r for r in git("for-each-ref", "--format=%(refname)", "refs/wave/").split() if r.endswith("/state")]
commits = []
for r in refs:
    commits += git("log", "--format=%H", r).split()
if not commits:
    sys.exit(0)
out = git("cat-file", "--batch", inp="".join(f"{c}:state.json\n" for c in commits))
cands = set()
pos = 0
while pos < len(out):
    nl = out.index("\n", pos)
    header = out[pos:nl].split()
    pos = nl + 1
    if len(header) < 3 or header[1] != "blob":
        continue
    size = int(header[2])
    # sizes are in bytes; the state is ASCII JSON
    body = out[pos:pos + size]
    pos += size + 1
    try:
        state = json.loads(body)
    except ValueError:
        continue
    for w in state.get("waves") or []:
        g = w.get("gate") or {}
        if g.get("result") == "pass" and g.get("candidate"):
            cands.add(g["candidate"])
print("\n".join(sorted(cands)))
PY
}

# check_converged SCEN FLOW: the invariants after a finished flow; appends
# what is wrong to CHECK_FAILS (empty: converged).
check_converged() {
  local scen=$1 flow=$2 repo="$1/repo" c blob path x
  CHECK_FAILS=()
  local tree
  tree=$(git -C "$repo" rev-parse -q --verify 'main^{tree}')
  [ "$tree" = "${REF_TREE[$flow]}" ] ||
    CHECK_FAILS+=("main's tree is ${tree:-missing}, not ${REF_TREE[$flow]} as uninterrupted")

  local archives
  archives=$(git -C "$repo" for-each-ref --format='%(refname)' refs/wave/ | grep '^refs/wave/[^/]*/archive/')
  local reachable
  # shellcheck disable=SC2086
  reachable=$(git -C "$repo" rev-list main $archives 2>/dev/null)
  while read -r c; do
    [ -n "$c" ] || continue
    grep -qx "$c" <<<"$reachable" ||
      CHECK_FAILS+=("agent commit ${c:0:7} is reachable from neither main nor an archive")
  done <"$scen/rec/commits"

  local main_blobs archive_objects=""
  main_blobs=$(git -C "$repo" ls-tree -r main)
  # shellcheck disable=SC2086
  [ -z "$archives" ] || archive_objects=$(git -C "$repo" rev-list --objects $archives 2>/dev/null)
  while read -r blob path; do
    [ -n "$blob" ] || continue
    grep -qF "blob $blob	$path" <<<"$main_blobs" || grep -q "^$blob " <<<"$archive_objects" ||
      CHECK_FAILS+=("uncommitted $path (${blob:0:7}) is in neither main nor an archive")
  done <"$scen/rec/left"

  local allowed
  allowed=$(cat "$scen/rec/setup"; pass_candidates "$repo")
  while read -r c; do
    [ -n "$c" ] || continue
    grep -qx "$c" <<<"$allowed" ||
      CHECK_FAILS+=("main's reflog has ${c:0:7}, not a passing gate's candidate")
  done < <(git -C "$repo" reflog show main --format=%H 2>/dev/null)

  x=$(git -C "$repo" for-each-ref --format='%(refname:short)' refs/heads/wave/ | tr '\n' ' ')
  [ -z "$x" ] || CHECK_FAILS+=("agent branches left: ${x% }")

  local locks
  # (The agent locks of git wave run, wave/<run>/agents/*.lock, and the
  # trash's, wave/trash.lock, are flock(2) files that stay: held by a live
  # attempt or deletion, or by nothing, never stale.)
  locks=$(cd "$repo/.git" && find . -name '*.lock' ! -path './wave/*/agents/*.lock' ! -path './wave/trash.lock' | sed 's|^\./|.git/|' | tr '\n' ' ')
  [ -z "$locks" ] || CHECK_FAILS+=("lock files left: ${locks% }")

  if remote_flow "$flow"; then
    local server="$scen/server.git"
    [ "$(git -C "$server" rev-parse -q --verify 'main^{tree}')" = "${REF_TREE[$flow]}" ] ||
      CHECK_FAILS+=("the server's main is not the tree of an uninterrupted run")
    [ "$(git -C "$server" rev-parse -q --verify refs/wave/crash/state)" = "$(git -C "$repo" rev-parse -q --verify refs/wave/crash/state)" ] ||
      CHECK_FAILS+=("the server's run state is not this clone's")
    x=$(git -C "$server" for-each-ref --format='%(refname)' refs/heads/wave/ refs/wave/crash/candidate/ | tr '\n' ' ')
    [ -z "$x" ] || CHECK_FAILS+=("refs left on the server: ${x% }")
  fi

  local fsck
  fsck=$(git -C "$repo" fsck --no-dangling 2>&1)
  [ $? -eq 0 ] && [ -z "$fsck" ] || CHECK_FAILS+=("git fsck: $(head -1 <<<"$fsck")")

  [ ! -e "$repo/.git/wave/trash" ] || CHECK_FAILS+=("worktrees moved aside were not deleted: .git/wave/trash")

  local list parked=()
  list=$(git -C "$repo" worktree list --porcelain)
  # A merge before the run's last wave (the plan has two) keeps its agents'
  # worktrees, HEAD detached and nothing uncommitted, for the next wave: a
  # flow may end then. Once the last is merged, none may be left.
  local waves_merged
  waves_merged=$(git -C "$repo" show refs/wave/crash/state:state.json 2>/dev/null |
    python3 -c 'import json, sys; print(sum(w["status"] == "merged" for w in json.load(sys.stdin)["waves"]))')
  [ "${waves_merged:-0}" -ge 2 ] || while read -r x; do
    [ "$x" != "$repo" ] && [ -z "$(git -C "$x" status --porcelain 2>&1)" ] &&
      [ -z "$(git -C "$x" symbolic-ref -q HEAD)" ] && parked+=("$x")
  done < <(sed -n 's/^worktree //p' <<<"$list")
  grep -q '^prunable' <<<"$list" && CHECK_FAILS+=("prunable worktrees: $(grep -B3 '^prunable' <<<"$list" | sed -n 's/^worktree //p' | tr '\n' ' ')")
  while read -r x; do
    # The gate's scratch worktree stays from one wave to the next (it goes
    # with the run's last wave): a flow may end before that.
    [ "$x" = "$repo" ] || [ "$x" = "$(cd "$repo/.git" && pwd -P)/wave/crash/scratch" ] ||
      [[ " ${parked[*]} " == *" $x "* ]] || CHECK_FAILS+=("worktree still registered: $x")
  done < <(sed -n 's/^worktree //p' <<<"$list")
  for x in "$scen"/wt/*; do
    [ -e "$x" ] && [[ " ${parked[*]} " != *" $(cd "$x" && pwd -P) "* ]] &&
      CHECK_FAILS+=("worktree directory left: ${x#"$scen"/}")
  done
  [ ${#CHECK_FAILS[@]} -eq 0 ]
}

# --- the uninterrupted run: snapshots, reference trees, reruns ------------

declare -A REF_TREE CMD_FLOW CMD_STEP CMD_ARGS RERUN_RC RERUN_MSG
SNAP="$TEST_DIR/snap"
mkdir -p "$SNAP" "$TEST_DIR/kept"

die() { echo "sweep.sh: $*" >&2; TESTS_RUN=1 TESTS_FAILED=1; exit 1; }

echo "# uninterrupted flows (reference)"
for flow in "${FLOWS[@]}"; do
  declare -n steps="FLOW_$flow"
  scen="$TEST_DIR/$flow"
  setup_scenario "$scen" "$flow"
  for i in "${!steps[@]}"; do
    step=${steps[$i]}
    read -r name kind rest <<<"$step"
    if [ "$name" != "-" ]; then
      cp -a "$scen" "$SNAP/$name"
      CMD_FLOW[$name]=$flow
      CMD_STEP[$name]=$i
      CMD_ARGS[$name]=$rest
    fi
    run_step "$scen" "$step"
    [ "$STEP_RC" -eq 0 ] || die "uninterrupted $flow flow: '$kind $rest' exited $STEP_RC: $(first_error "$TEST_DIR/step.err" "$TEST_DIR/step.out")"
    if [ "$name" != "-" ]; then
      # What a rerun says once the command has completed: a refusal that is
      # part of the flow (merge: "already merged") is accepted after a kill.
      cp -a "$scen" "$TEST_DIR/after"
      run_step "$scen" "$step"
      RERUN_RC[$name]=$STEP_RC
      RERUN_MSG[$name]=$(first_error "$TEST_DIR/step.err" "$TEST_DIR/step.out" | normalise)
      rm -rf "$scen"
      mv "$TEST_DIR/after" "$scen"
    fi
  done
  REF_TREE[$flow]=$(git -C "$scen/repo" rev-parse 'main^{tree}')
  check_converged "$scen" "$flow" || die "the uninterrupted $flow flow fails the checks: ${CHECK_FAILS[*]}"
  unset -n steps
  echo "# $flow: main's tree ${REF_TREE[$flow]:0:12}"
done
# The commands of the flows set up (--flows), in their order.
selected=()
for name in "${COMMANDS[@]}"; do
  [ -z "${CMD_FLOW[$name]:-}" ] || selected+=("$name")
done
COMMANDS=("${selected[@]}")
for name in "${COMMANDS[@]}"; do
  [ "${RERUN_RC[$name]}" -eq 0 ] ||
    echo "# accepted refusal of a rerun of $name: exit ${RERUN_RC[$name]}: ${RERUN_MSG[$name]}"
done

# restore NAME: the scenario directory as it was just before command NAME.
restore() {
  local scen="$TEST_DIR/${CMD_FLOW[$1]}"
  wait_for_trash "$scen"
  rm -rf "$scen"
  cp -a "$SNAP/$1" "$scen"
}

# --- the points --------------------------------------------------------------

echo "# counting syscalls"
POINTS=()
for name in "${COMMANDS[@]}"; do
  [ -z "$ONLY" ] || [ "$ONLY" = "$name" ] || continue
  restore "$name"
  (cd "$TEST_DIR/${CMD_FLOW[$name]}/repo" &&
    traced git-wave ${CMD_ARGS[$name]}) >/dev/null 2>"$TEST_DIR/count.err"
  rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq "${RERUN_RC[$name]}" ] ||
    die "counting $name under strace: exit $rc: $(first_error "$TEST_DIR/count.err")"
  counts=""
  while read -r sc k; do
    POINTS+=("$name $sc $k")
  done < <(points_traced)
  for sc in "${SYSCALLS[@]}"; do
    n=$(printf '%s\n' "${POINTS[@]}" | grep -c "^$name $sc ")
    [ "$n" -eq 0 ] || counts+=" $sc=$n"
  done
  echo "# $name:$counts"
done

total=${#POINTS[@]}
if [ "$SAMPLE_TO" -gt 0 ]; then
  SAMPLE=$(( (total + SAMPLE_TO - 1) / SAMPLE_TO ))
  [ "$SAMPLE" -ge 1 ] || SAMPLE=1
fi
SELECTED=()
for ((k = 0; k < total; k += SAMPLE)); do
  SELECTED+=("${POINTS[$k]}")
done
echo "# ${#SELECTED[@]} of $total points (every ${SAMPLE})"
if [ "$LIST_ONLY" -eq 1 ]; then
  printf '%s\n' "${SELECTED[@]}"
  exit 0
fi

# --- the sweep ----------------------------------------------------------------

RESULTS="$TEST_DIR/results.tsv"
printf 'command\tsyscall\tn\tconverged\treason\tkept\n' >"$RESULTS"
declare -A P_TRIED P_OK P_FAIL P_UNREACHED
for name in "${COMMANDS[@]}"; do
  P_TRIED[$name]=0 P_OK[$name]=0 P_FAIL[$name]=0 P_UNREACHED[$name]=0
done

# point NAME SYSCALL N: sets POINT_RESULT (yes, no, unreached) and POINT_REASON.
point() {
  local name=$1 sc=$2 n=$3 flow=${CMD_FLOW[$1]}
  local scen="$TEST_DIR/$flow" step=${CMD_STEP[$1]} rc attempt msg
  declare -n psteps="FLOW_$flow"
  POINT_REASON=""
  restore "$name"
  (cd "$scen/repo" &&
    killed_at "$sc" "$n" git-wave ${CMD_ARGS[$name]}) \
    >"$TEST_DIR/kill.out" 2>"$TEST_DIR/kill.err"
  rc=$?
  if [ "$rc" -ne 137 ]; then
    POINT_RESULT=unreached
    POINT_REASON="not killed: exit $rc"
    return
  fi
  for ((attempt = 1; attempt <= RERUN_ATTEMPTS; attempt++)); do
    run_step "$scen" "${psteps[$step]}"
    [ "$STEP_RC" -ne 0 ] || break
    msg=$(first_error "$TEST_DIR/step.err" "$TEST_DIR/step.out")
    if [ "$STEP_RC" -eq "${RERUN_RC[$name]}" ] && [ "$(normalise <<<"$msg")" = "${RERUN_MSG[$name]}" ]; then
      break
    fi
  done
  if [ "$attempt" -gt "$RERUN_ATTEMPTS" ]; then
    POINT_RESULT=no
    POINT_REASON="rerun of $name failed $RERUN_ATTEMPTS times: exit $STEP_RC: $msg"
    return
  fi
  local i
  for ((i = step + 1; i < ${#psteps[@]}; i++)); do
    run_step "$scen" "${psteps[$i]}"
    if [ "$STEP_RC" -ne 0 ]; then
      read -r _ kind rest <<<"${psteps[$i]}"
      POINT_RESULT=no
      POINT_REASON="then '$kind $rest' (step $((i + 1))) exited $STEP_RC: $(first_error "$TEST_DIR/step.err" "$TEST_DIR/step.out")"
      return
    fi
  done
  if check_converged "$scen" "$flow"; then
    POINT_RESULT=yes
  else
    POINT_RESULT=no
    POINT_REASON=$(IFS=';'; echo "${CHECK_FAILS[*]}")
  fi
}

echo "# sweeping"
idx=0
for p in "${SELECTED[@]}"; do
  read -r name sc n <<<"$p"
  idx=$((idx + 1))
  point "$name" "$sc" "$n"
  kept=""
  case $POINT_RESULT in
    yes)
      P_TRIED[$name]=$((P_TRIED[$name] + 1)); P_OK[$name]=$((P_OK[$name] + 1))
      echo "ok   $idx/${#SELECTED[@]} $name $sc $n"
      ;;
    no)
      P_TRIED[$name]=$((P_TRIED[$name] + 1)); P_FAIL[$name]=$((P_FAIL[$name] + 1))
      # Kept under kept/: its worktrees point at the scenario's path; to look
      # at it with git, copy it back there (rm -rf FLOW; cp -a kept/X FLOW).
      kept="$TEST_DIR/kept/$name-$sc-$n"
      mv "$TEST_DIR/${CMD_FLOW[$name]}" "$kept"
      echo "FAIL $idx/${#SELECTED[@]} $name $sc $n: $POINT_REASON [kept/${kept##*/}]"
      ;;
    unreached)
      P_UNREACHED[$name]=$((P_UNREACHED[$name] + 1))
      echo "skip $idx/${#SELECTED[@]} $name $sc $n: $POINT_REASON"
      ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$sc" "$n" "$POINT_RESULT" "$POINT_REASON" "$kept" >>"$RESULTS"
done

# --- summary ----------------------------------------------------------------

elapsed=$(( $(date +%s) - SWEEP_START ))
all_tried=0 all_ok=0 all_fail=0 all_unreached=0
echo
printf '%-8s %7s %10s %7s %10s\n' command points converged failed unreached
for name in "${COMMANDS[@]}"; do
  [ -z "$ONLY" ] || [ "$ONLY" = "$name" ] || continue
  printf '%-8s %7d %10d %7d %10d\n' "$name" "${P_TRIED[$name]}" "${P_OK[$name]}" "${P_FAIL[$name]}" "${P_UNREACHED[$name]}"
  all_tried=$((all_tried + P_TRIED[$name])); all_ok=$((all_ok + P_OK[$name]))
  all_fail=$((all_fail + P_FAIL[$name])); all_unreached=$((all_unreached + P_UNREACHED[$name]))
done
printf '%-8s %7d %10d %7d %10d\n' total "$all_tried" "$all_ok" "$all_fail" "$all_unreached"
if [ "$all_tried" -gt 0 ]; then
  echo "converged: $((all_ok * 100 / all_tried))% ($all_ok of $all_tried points; every $SAMPLE of $total; ${elapsed}s)"
fi
echo "results: $RESULTS"
# shellcheck disable=SC2034 # read by lib.sh's closing line
TESTS_RUN=$all_tried
# shellcheck disable=SC2034
TESTS_FAILED=$all_fail
[ "$all_fail" -eq 0 ] || exit 1
exit 0
