# Forging a run's state the way a hostile agent with push access would:
# source after remote_lib.sh. What it gives:
#
#   forge DIR PARENT [PY [PLAN]]  a commit in DIR holding PARENT's state
#                                 files (PARENT: a state commit), state.json
#                                 edited by the Python statements PY on `s`
#                                 (its JSON), plan.toml replaced by PLAN when
#                                 given; a child of PARENT, or a root
#                                 commit with FORGE_ROOT=1
#   fetch_run DIR                 fetches the server's run refs into DIR

forge() {
  local dir=$1 parent=$2 edit=${3:-} plan=${4:-} tmp blob tree
  tmp="$TEST_DIR/forge.$$"
  mkdir -p "$tmp"
  git -C "$dir" show "$parent:state.json" >"$tmp/state.json"
  if [ -n "$edit" ]; then
    python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(s, open(sys.argv[1], "w"), indent=2)' "$tmp/state.json" "$edit" || fail "cannot edit the state"
  fi
  rm -f "$tmp/index"
  GIT_INDEX_FILE="$tmp/index" git -C "$dir" read-tree "$parent"
  blob=$(git -C "$dir" hash-object -w "$tmp/state.json")
  GIT_INDEX_FILE="$tmp/index" git -C "$dir" update-index --cacheinfo "100644,$blob,state.json"
  if [ -n "$plan" ]; then
    printf '%s\n' "$plan" >"$tmp/plan.toml"
    blob=$(git -C "$dir" hash-object -w "$tmp/plan.toml")
    GIT_INDEX_FILE="$tmp/index" git -C "$dir" update-index --cacheinfo "100644,$blob,plan.toml"
  fi
  tree=$(GIT_INDEX_FILE="$tmp/index" git -C "$dir" write-tree)
  if [ "${FORGE_ROOT:-0}" = 1 ]; then
    git -C "$dir" commit-tree "$tree" -m "forged state"
  else
    git -C "$dir" commit-tree "$tree" -p "$parent" -m "forged state"
  fi
}

fetch_run() {
  git -C "$1" fetch -q origin '+refs/wave/*:refs/wave/*'
}
