# Helpers for the gate, merge, abort and commit tests (t04xx): source after
# lib.sh. A "run repository" is a repository whose main branch holds a plan
# (wave.toml) and a gate script (gate.sh), ready for `git wave start`.

# make_repo NAME PLAN [GATE_SCRIPT]: creates $TEST_DIR/NAME and sets REPO.
# These tests gate waves in which some agents have nothing to do: their
# plans allow it (allow_empty = true first) unless they say allow_empty
# themselves or KEEP_PLAN is set (the run tests keep the default).
make_repo() {
  REPO="$TEST_DIR/$1"
  new_repo "$REPO"
  case ${KEEP_PLAN:+keep}$2 in
  keep* | *allow_empty*) printf '%s\n' "$2" >"$REPO/wave.toml" ;;
  *) printf 'allow_empty = true\n%s\n' "$2" >"$REPO/wave.toml" ;;
  esac
  printf '%s\n' "${3:-exit 0}" >"$REPO/gate.sh"
  git -C "$REPO" add wave.toml gate.sh
  git -C "$REPO" commit -q -m "plan"
}

# start_wave: `git wave start` in $REPO, which must succeed.
start_wave() {
  run git -C "$REPO" wave start
  expect_rc 0
}

# wt AGENT: the worktree of AGENT's branch (any run) in $REPO.
wt() {
  git -C "$REPO" worktree list --porcelain |
    awk -v suffix="/$1" '/^worktree /{p=substr($0,10)} /^branch refs\/heads\/wave\//{ if (substr($0, length($0)-length(suffix)+1) == suffix) print p }'
}

# work AGENT PATH CONTENT [GIT_COMMIT_OPTION...]: writes a file in AGENT's
# worktree and commits it there.
work() {
  local agent=$1 path=$2 content=$3
  shift 3
  local dir
  dir=$(wt "$agent")
  [ -n "$dir" ] || fail "no worktree for agent $agent"
  mkdir -p "$(dirname "$dir/$path")"
  printf '%s\n' "$content" >"$dir/$path"
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "$agent: $path" "$@"
}

# leave AGENT PATH CONTENT: writes a file in AGENT's worktree, uncommitted.
leave() {
  local dir
  dir=$(wt "$1")
  mkdir -p "$(dirname "$dir/$2")"
  printf '%s\n' "$3" >"$dir/$2"
}

tip() { git -C "$REPO" rev-parse "$1"; }
