#!/usr/bin/env bash
# Worktrees carried from one wave to the next: a merge before the run's last
# wave keeps its agents' clean worktrees (HEAD detached, branches deleted),
# and the next start moves them to its agents' paths and switches them to
# their branches, writing only the files that changed. What a person left
# in one is never switched away; the run's last merge removes them all,
# moved aside and deleted in the background.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "re"
worktrees = "../wt/{agent}"
[[agent]]
name = "alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
owns = ["beta/**"]

[[agent]]
name = "gamma"
owns = ["gamma/**"]
after = ["alpha", "beta"]

[[agent]]
name = "delta"
owns = ["delta/**"]
after = ["gamma"]'

# state_agent WAVE AGENT FIELD: a field of an agent's record in the run state.
state_agent() {
  git -C "$REPO" show refs/wave/re/state:state.json | python3 -c '
import json, sys
for w in json.load(sys.stdin)["waves"]:
    for a in w["agents"]:
        if w["label"] == sys.argv[1] and a["name"] == sys.argv[2]:
            print(a.get(sys.argv[3], ""))' "$1" "$2" "$3"
}

# first_wave NAME: a repository NAME (worktrees in wt-NAME) whose wave 1 is
# worked, gated and merged; alpha_wt and beta_wt name its worktrees.
first_wave() {
  make_repo "$1" "${PLAN/..\/wt\//..\/wt-$1\/}"
  start_wave
  alpha_wt=$(wt alpha) beta_wt=$(wt beta)
  work alpha alpha/a.txt "a"
  work beta beta/b.txt "b"
  run git -C "$REPO" wave gate
  expect_rc 0
  run git -C "$REPO" wave merge "${@:2}"
  expect_rc 0
}

test_case "a merge before the last wave keeps its clean worktrees, detached, for the next wave"
make_repo reuse "${PLAN/..\/wt\//..\/wt-reuse\/}"
printf '*.o\ncache/\n' >"$REPO/.gitignore"
git -C "$REPO" add .gitignore && git -C "$REPO" commit -q -m ignore
start_wave
alpha_wt=$(wt alpha) beta_wt=$(wt beta)
alpha_inode=$(stat -c %i "$alpha_wt")
work alpha alpha/a.txt "a"
work beta beta/b.txt "b"
printf 'built\n' >"$alpha_wt/build.o" # ignored: goes like a new worktree's
mkdir -p "$alpha_wt/cache/deep" "$alpha_wt/alpha/objs"
printf 'cached\n' >"$alpha_wt/cache/deep/c"       # an ignored folder, whole
printf 'built\n' >"$alpha_wt/alpha/objs/x.o"       # ignored files alone in a folder
alpha_tip=$(tip wave/re/alpha)
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_out "kept worktree '$alpha_wt' for the next wave"
expect_eq "$(git -C "$alpha_wt" symbolic-ref -q HEAD)" "" "alpha's worktree is detached"
expect_eq "$(git -C "$alpha_wt" rev-parse HEAD)" "$alpha_tip" "at alpha's tip"
expect_eq "$(git -C "$REPO" branch --list 'wave/*')" ""

test_case "the next start moves a kept worktree to its agent and switches it; the others go"
start_wave
gamma_wt=$(wt gamma)
expect_eq "$gamma_wt" "$TEST_DIR/wt-reuse/gamma"
expect_eq "$(stat -c %i "$gamma_wt")" "$alpha_inode" "gamma's worktree is alpha's, moved"
expect_eq "$(state_agent 2 gamma reused)" "$alpha_wt"
expect_eq "$(git -C "$gamma_wt" symbolic-ref HEAD)" "refs/heads/wave/re/gamma"
expect_eq "$(git -C "$gamma_wt" rev-parse HEAD)" "$(tip main)"
expect_eq "$(git -C "$gamma_wt" status --porcelain --ignored)" "" "nothing but the branch's files"
expect_eq "$(cd "$gamma_wt" && find . -path ./.git -prune -o -type d -empty -print)" "" "no folder left empty"
expect_eq "$(cat "$gamma_wt/beta/b.txt")" "b"
[ ! -e "$alpha_wt" ] || fail "alpha's worktree is still at its old path"
[ ! -e "$beta_wt" ] || fail "beta's worktree, which no agent needs, is still there"
expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c "^worktree $TEST_DIR/wt-reuse/")" "1" "gamma's alone"
wait_for_trash "$REPO"
[ ! -e "$REPO/.git/wave/trash" ] || fail "the trash was not emptied"
run git -C "$REPO" wave status
expect_rc 0
expect_out "gamma"

test_case "the hook follows the new agent in the switched worktree"
mkdir -p "$gamma_wt/alpha"
printf 'x\n' >"$gamma_wt/alpha/sneak.txt"
git -C "$gamma_wt" add alpha/sneak.txt
run git -C "$gamma_wt" commit -q -m sneak
expect_rc 1
git -C "$gamma_wt" reset -q --hard
work gamma gamma/g.txt "g"

test_case "the last merge removes every worktree, moved aside and deleted in the background"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
start_wave
delta_wt=$(wt delta)
expect_eq "$(state_agent 3 delta reused)" "$gamma_wt"
work delta delta/d.txt "d"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_out "removed worktree '$delta_wt'"
expect_out "run 're' is complete"
[ ! -e "$delta_wt" ] || fail "delta's worktree is still there"
expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c '^worktree ')" "1"
wait_for_trash "$REPO"
[ ! -e "$REPO/.git/wave/trash" ] || fail "the trash was not emptied"
expect_eq "$(git -C "$REPO" show main:delta/d.txt)" "d"

test_case "a kept worktree a person wrote in, or committed in, is not switched away"
first_wave person
printf 'notes\n' >"$alpha_wt/NOTES.md"               # untracked: a person's
git -C "$beta_wt" commit -q --allow-empty -m "mine" # a commit on the detached HEAD
mine=$(git -C "$beta_wt" rev-parse HEAD)
start_wave
gamma_wt=$(wt gamma)
expect_eq "$(state_agent 2 gamma reused)" "" "a new worktree"
expect_eq "$(cat "$alpha_wt/NOTES.md")" "notes"
expect_eq "$(git -C "$beta_wt" rev-parse HEAD)" "$mine"
work gamma gamma/g.txt "g"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
start_wave
work delta delta/d.txt "d"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(cat "$alpha_wt/NOTES.md")" "notes" "kept after the run's end"
expect_eq "$(git -C "$beta_wt" rev-parse HEAD)" "$mine" "kept after the run's end"

test_case "merge --keep keeps worktrees on their branches; the next wave gets new ones"
first_wave keep --keep
expect_eq "$(git -C "$alpha_wt" symbolic-ref HEAD)" "refs/heads/wave/re/alpha"
start_wave
expect_eq "$(state_agent 2 gamma reused)" ""
expect_eq "$(git -C "$alpha_wt" symbolic-ref HEAD)" "refs/heads/wave/re/alpha"

test_case "a start killed after the move switches the worktree when run again"
first_wave killed
start_wave
gamma_wt=$(wt gamma)
# As a kill leaves it: the worktree moved (`git worktree move` renamed the
# folder and was killed before it updated the registration), the state set
# up "pending", HEAD still detached.
git -C "$gamma_wt" update-ref --no-deref HEAD "$(tip 'main^1')"
admin=$(git -C "$gamma_wt" rev-parse --absolute-git-dir)
printf '%s\n' "$alpha_wt/.git" >"$admin/gitdir"
python3 - "$REPO" <<'PY'
import json, subprocess, sys
repo = sys.argv[1]
state = json.loads(subprocess.check_output(["git", "-C", repo, "show", "refs/wave/re/state:state.json"]))
state["waves"][-1]["agents"][0]["setup"] = "pending"
blob = subprocess.run(["git", "-C", repo, "hash-object", "-w", "--stdin"], input=json.dumps(state).encode(),
                      capture_output=True, check=True).stdout.decode().strip()
tree = subprocess.check_output(["git", "-C", repo, "ls-tree", "refs/wave/re/state"]).decode()
lines = [l if not l.endswith("\tstate.json") else f"100644 blob {blob}\tstate.json" for l in tree.splitlines()]
new_tree = subprocess.run(["git", "-C", repo, "mktree"], input=("\n".join(lines) + "\n").encode(),
                          capture_output=True, check=True).stdout.decode().strip()
commit = subprocess.check_output(["git", "-C", repo, "commit-tree", new_tree, "-p", "refs/wave/re/state",
                                  "-m", "start wave 2: gamma (killed)"]).decode().strip()
subprocess.check_call(["git", "-C", repo, "update-ref", "refs/wave/re/state", commit])
PY
run git -C "$REPO" wave start
expect_rc 0
expect_eq "$(git -C "$gamma_wt" symbolic-ref HEAD)" "refs/heads/wave/re/gamma"
expect_eq "$(git -C "$gamma_wt" rev-parse HEAD)" "$(tip main)"
expect_eq "$(git -C "$gamma_wt" status --porcelain)" ""
expect_eq "$(git -C "$REPO" worktree list --porcelain | grep -c '^prunable')" "0"

test_case "a file an agent hid from status (skip-worktree) is written anew for the next agent"
first_wave hidden
# alpha, before it ends, changes a tracked file and hides the change from
# status and from git reset --hard (which leaves a skip-worktree entry's
# file as it is): its worktree looks clean and is kept.
printf 'echo poisoned\n' >"$alpha_wt/gate.sh"
git -C "$alpha_wt" update-index --skip-worktree gate.sh
expect_eq "$(git -C "$alpha_wt" status --porcelain)" "" "the change is hidden"
start_wave
gamma_wt=$(wt gamma)
expect_eq "$(state_agent 2 gamma reused)" "$alpha_wt"
expect_eq "$(cat "$gamma_wt/gate.sh")" "$(git -C "$REPO" show main:gate.sh)" "gate.sh as the branch has it"
expect_eq "$(git -C "$gamma_wt" ls-files -v | grep -c '^[a-zS]')" "0" "no entry hidden any more"

test_case "a worktree a person switched to a branch of theirs is not kept for another agent"
make_repo theirs "${PLAN/..\/wt\//..\/wt-theirs\/}"
start_wave
beta_wt=$(wt beta)
work alpha alpha/a.txt "a"
work beta beta/b.txt "b"
run git -C "$REPO" wave gate
expect_rc 0
git -C "$beta_wt" switch -q -c mine
git -C "$beta_wt" commit -q --allow-empty -m "a person's"
mine=$(git -C "$beta_wt" rev-parse HEAD)
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" rev-parse mine)" "$mine" "their branch stays"
[ ! -e "$beta_wt" ] || expect_eq "$(git -C "$beta_wt" symbolic-ref -q HEAD)" "refs/heads/mine" "not detached"

test_case "a state naming a person's worktree as the one to reuse moves nothing of theirs"
first_wave forged
git -C "$REPO" worktree add -q --detach "$TEST_DIR/mine" main
printf 'notes\n' >"$TEST_DIR/mine/NOTES.md"
# A state as a fetched ref could say it: wave 2 started, gamma to take the
# person's worktree, not set up yet.
python3 - "$REPO" "$TEST_DIR/mine" "$TEST_DIR/wt-forged/gamma" <<'PY'
import json, subprocess, sys
repo, mine, gamma = sys.argv[1:]
git = lambda *a, **k: subprocess.run(["git", "-C", repo, *a], capture_output=True, check=True, **k).stdout.decode().strip()
state = json.loads(git("show", "refs/wave/re/state:state.json"))
wave = json.loads(json.dumps(state["waves"][0]))
base = git("rev-parse", "main")
wave.update(label="2", status="started", base=base)
for k in ("gate", "merged", "intent", "gates"):
    wave.pop(k, None)
wave["agents"] = [{"name": "gamma", "branch": "wave/re/gamma", "worktree": gamma, "reused": mine,
                   "base": base, "setup": "pending", "setup_log": ""}]
state["waves"].append(wave)
blob = git("hash-object", "-w", "--stdin", input=json.dumps(state).encode())
tree = git("ls-tree", "refs/wave/re/state")
lines = [l if not l.endswith("\tstate.json") else f"100644 blob {blob}\tstate.json" for l in tree.splitlines()]
new_tree = git("mktree", input=("\n".join(lines) + "\n").encode())
commit = git("commit-tree", new_tree, "-p", "refs/wave/re/state", "-m", "start wave 2: gamma (forged)")
git("update-ref", "refs/wave/re/state", commit)
PY
git -C "$REPO" wave start >/dev/null 2>&1
expect_eq "$(cat "$TEST_DIR/mine/NOTES.md" 2>&1)" "notes" "the person's worktree is where it was, untouched"
expect_eq "$(git -C "$TEST_DIR/mine" symbolic-ref -q HEAD)" "" "still detached"
