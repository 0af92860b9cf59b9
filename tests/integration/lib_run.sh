# Helpers for the tests of runs (start, hook, status, prompt): source after lib.sh.

# two_wave_repo DIR: a repository on main with a committed two-wave plan:
# wave 1 = alpha (src/a/**) and beta (src/b/**, docs/b.md), wave 2 = gamma
# (after alpha, src/a/**); wave.toml and .github/** are protected. Agents
# may finish with no change (the tests gate waves where some do nothing).
two_wave_repo() {
  new_repo "$1"
  mkdir -p "$1/src/a" "$1/src/b" "$1/src/c" "$1/docs"
  echo "a" >"$1/src/a/one.c"
  echo "b" >"$1/src/b/two.c"
  echo "c" >"$1/src/c/three.c"
  echo "doc" >"$1/docs/b.md"
  cat >"$1/wave.toml" <<'TOML'
name = "demo"
protected = ["wave.toml", ".github/**"]
allow_empty = true

[gate]
commands = ["make test"]

[[agent]]
name = "alpha"
task = "Teach a to count"
owns = ["src/a/**"]
gate = ["make test-a"]

[[agent]]
name = "beta"
task = "Make b faster"
owns = ["src/b/**", "docs/b.md"]

[[agent]]
name = "gamma"
task = "Build on alpha's counting"
after = ["alpha"]
owns = ["src/a/**"]
TOML
  git -C "$1" add -A
  git -C "$1" commit -q -m "plan and sources"
}

# state_json REPO [RUN]: the run's state.json.
state_json() { git -C "$1" show "refs/wave/${2:-demo}/state:state.json"; }

# set_wave_status REPO LABEL STATUS [RUN]: writes a new state commit with the
# wave's status changed, the way the merge command records a merge (the
# state is JSON with one "label" line per wave followed by its status).
set_wave_status() {
  local repo=$1 label=$2 status=$3 run=${4:-demo}
  local ref="refs/wave/$run/state"
  git -C "$repo" show "$ref:state.json" | awk -v label="$label" -v status="$status" '
    /"label": / { current = ($0 ~ "\"label\": \"" label "\"") }
    current && /"status": / && !done { sub(/"status": "[a-z]+"/, "\"status\": \"" status "\""); done = 1 }
    { print }' >"$TEST_DIR/state.json"
  local blob plan tree commit
  blob=$(git -C "$repo" hash-object -w "$TEST_DIR/state.json")
  plan=$(git -C "$repo" rev-parse "$ref:plan.toml")
  tree=$(printf '100644 blob %s\tplan.toml\n100644 blob %s\tstate.json\n' "$plan" "$blob" | git -C "$repo" mktree)
  commit=$(git -C "$repo" commit-tree -p "$ref" -m "$status wave $label" "$tree")
  git -C "$repo" update-ref "$ref" "$commit"
}

# footprint REPO: everything start may create -- refs, worktrees, hooks,
# logs -- for "nothing was changed" checks.
footprint() {
  {
    git -C "$1" for-each-ref --format='%(refname) %(objectname)'
    git -C "$1" worktree list --porcelain
    ls -a "$(git -C "$1" rev-parse --git-common-dir)"
    ls -a "$(git -C "$1" rev-parse --git-common-dir)/hooks"
    ls -a "$(dirname "$1")"
  } 2>&1
}

# staged REPO: the staged state, to check that a rejected commit left it as it was.
staged() { git -C "$1" ls-files --stage; git -C "$1" diff --cached --name-status; }
