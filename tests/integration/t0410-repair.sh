#!/usr/bin/env bash
# The way out for an agent that committed a foreign file (issue 10, item 7):
# a commit putting it back as at the base passes the hook and the gate, and
# `git wave repair AGENT` rewrites the branch without it, the original kept
# under an archive ref, the worktree following; a kill at any point converges.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
protected = ["wave.toml"]
[gate]
commands = ["sh gate.sh"]

[[agent]]
name = "alpha"
task = "Build alpha"
owns = ["alpha/**"]

[[agent]]
name = "beta"
task = "Build beta"
owns = ["beta/**"]'

# sneak: alpha's branch has its own work around two foreign commits: one
# changing README.md (at the base) and adding beta/stolen.txt, one only
# adding beta/more.txt.
sneak() {
  make_repo "$1" "$PLAN"
  start_wave
  work alpha alpha/a.txt "mine"
  dir=$(wt alpha)
  mkdir -p "$dir/beta"
  echo stolen >"$dir/beta/stolen.txt"
  echo changed >>"$dir/README.md"
  echo "alpha 2" >"$dir/alpha/b.txt"
  git -C "$dir" add -A
  git -C "$dir" commit -q --no-verify -m "alpha: mixed"
  echo more >"$dir/beta/more.txt"
  git -C "$dir" add -A
  git -C "$dir" commit -q --no-verify -m "alpha: only foreign"
  work alpha alpha/c.txt "mine too"
  work beta beta/own.txt "beta's"
}

test_case "the gate's failure names 'git wave repair', and so do status and the brief"
sneak names
run git -C "$REPO" wave gate
expect_rc 1
expect_out "hint: drop the files 'alpha' does not own from its branch with 'git wave repair alpha'"
run git -C "$REPO" wave status
expect_rc 0
expect_out "git wave repair alpha"
run git -C "$REPO" wave prompt alpha
expect_rc 0
expect_out "git wave repair alpha"

test_case "repair rewrites the branch without the foreign changes; the gate passes; the original is archived"
sneak repair
old=$(tip wave/demo/alpha)
run git -C "$REPO" wave repair alpha
expect_rc 0
expect_out "repaired 'alpha': 'wave/demo/alpha' no longer changes README.md, beta/more.txt, beta/stolen.txt"
expect_out "2 commits rewritten, 1 dropped as empty"
expect_out "refs/wave/demo/archive/1-1^1"
expect_out "its worktree follows"
expect_eq "$(git -C "$REPO" rev-parse refs/wave/demo/archive/1-1^1)" "$old" "the original tip is archived"
new=$(tip wave/demo/alpha)
expect_eq "$(git -C "$REPO" log --format=%s main..wave/demo/alpha | tr '\n' '|')" \
  "alpha: alpha/c.txt|alpha: mixed|alpha: alpha/a.txt|" "messages kept, the foreign-only commit dropped"
expect_eq "$(git -C "$REPO" log -1 --format='%an %ad' --date=iso-strict wave/demo/alpha)" "A U Thor 2005-04-07T22:13:13+00:00"
expect_eq "$(git -C "$REPO" diff --name-only main wave/demo/alpha | tr '\n' ' ')" "alpha/a.txt alpha/b.txt alpha/c.txt "
dir=$(wt alpha)
expect_eq "$(git -C "$dir" status --porcelain)" "" "the worktree is clean on the new tip"
[ ! -e "$dir/beta/stolen.txt" ] || fail "the foreign file stays in the worktree"
expect_eq "$(cat "$dir/README.md")" "# test"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" show main:beta/own.txt)" "beta's"
git -C "$REPO" cat-file -e main:beta/stolen.txt 2>/dev/null && fail "the foreign file landed"
git -C "$REPO" cat-file -e "refs/wave/demo/archive/1-1^1:beta/stolen.txt" || fail "the archive lost the original"

test_case "repair --message gives the rewritten tip a message that fits, keeping its tree and author"
sneak reword
# The tip's message named what the repair drops: the agent's last commit
# here is its own, the one before "alpha: mixed".
git -C "$(wt alpha)" commit -q --allow-empty --no-verify -m "alpha: add c, and beta's files"
run git -C "$REPO" wave repair alpha -m "alpha: add c"
expect_rc 0
expect_out "repaired 'alpha'"
expect_eq "$(git -C "$REPO" log -1 --format=%B wave/demo/alpha)" "alpha: add c"
expect_eq "$(git -C "$REPO" log --format=%s main..wave/demo/alpha~1 | tr '\n' '|')" \
  "alpha: alpha/c.txt|alpha: mixed|alpha: alpha/a.txt|" "only the tip is reworded"
expect_eq "$(git -C "$REPO" log -1 --format='%an %ad' --date=iso-strict wave/demo/alpha)" "A U Thor 2005-04-07T22:13:13+00:00"
expect_eq "$(git -C "$REPO" diff --name-only main wave/demo/alpha | tr '\n' ' ')" "alpha/a.txt alpha/b.txt alpha/c.txt "
expect_eq "$(git -C "$(wt alpha)" status --porcelain)" "" "the worktree is clean on the reworded tip"
run git -C "$REPO" wave gate
expect_rc 0

test_case "repair with nothing foreign changes nothing"
make_repo clean "$PLAN"
start_wave
work alpha alpha/a.txt "mine"
before=$(tip wave/demo/alpha)
run git -C "$REPO" wave repair alpha
expect_rc 0
expect_out "nothing to repair"
expect_eq "$(tip wave/demo/alpha)" "$before"
run git -C "$REPO" wave repair alpha --message "unused"
expect_rc 0
expect_err "note: --message was not used: no commit was rewritten"
expect_eq "$(tip wave/demo/alpha)" "$before"
git -C "$REPO" rev-parse -q --verify refs/wave/demo/archive/1-1 >/dev/null && fail "an archive for nothing"
run git -C "$REPO" wave repair gamma
expect_rc 129
expect_err "error: 'gamma' is not an agent of run 'demo'"
expect_err "hint:"

test_case "repair refuses, changing nothing, when the worktree has uncommitted changes to those files"
sneak dirty
old=$(tip wave/demo/alpha)
state=$(git -C "$REPO" rev-parse refs/wave/demo/state)
dir=$(wt alpha)
echo "edited again" >"$dir/beta/stolen.txt"
echo "other work" >"$dir/alpha/d.txt"
run git -C "$REPO" wave repair alpha
expect_rc 128
expect_err "error: cannot repair 'alpha': in its worktree '$dir', 'beta/stolen.txt' has uncommitted changes"
expect_err "hint:"
expect_err "nothing was changed"
expect_eq "$(tip wave/demo/alpha)" "$old"
expect_eq "$(git -C "$REPO" rev-parse refs/wave/demo/state)" "$state" "the state did not move"
git -C "$dir" checkout -q -- beta/stolen.txt
run git -C "$REPO" wave repair alpha
expect_rc 0
expect_eq "$(cat "$dir/alpha/d.txt")" "other work" "other uncommitted work is left alone"

test_case "the hook accepts a commit restoring foreign files to the base, then the gate passes"
sneak restore
dir=$(wt alpha)
(cd "$dir" && git rm -q beta/stolen.txt beta/more.txt && git checkout main -- README.md)
run git -C "$dir" commit -m "alpha: put back what is not mine"
expect_rc 0
expect_err "note: 'README.md' returns to its content at the wave's base: accepted"
mkdir -p "$dir/beta"
echo "sneaky" >"$dir/beta/again.txt"
git -C "$dir" add beta/again.txt
run git -C "$dir" commit -m "alpha: not a restore"
expect_rc 1
expect_err "beta/again.txt"
expect_err "git wave repair alpha"
git -C "$dir" rm -q --cached beta/again.txt
rm "$dir/beta/again.txt"
run git -C "$REPO" wave gate
expect_rc 0
expect_out "then puts it back as at the base: accepted"

test_case "a kill at a write of repair converges when it is run again"
if ! command -v strace >/dev/null 2>&1; then
  echo "# skipped: strace is not installed"
  exit 0
fi
sneak kill
old=$(tip wave/demo/alpha)
cp -a "$TEST_DIR/kill" "$TEST_DIR/kill.snap"
cp -a "$TEST_DIR/kill.wave" "$TEST_DIR/kill.wave.snap"
restore() {
  rm -rf "$TEST_DIR/kill" "$TEST_DIR/kill.wave"
  cp -a "$TEST_DIR/kill.snap" "$TEST_DIR/kill"
  cp -a "$TEST_DIR/kill.wave.snap" "$TEST_DIR/kill.wave"
}
calls=(write rename unlink link mkdir openat)
# LeakSanitizer cannot run under ptrace (a sanitized build): leaks are
# checked everywhere else.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
(cd "$REPO" && strace -qq -o "$TEST_DIR/count.log" -e signal=none \
  -e trace="$(IFS=,; echo "${calls[*]}")" git-wave repair alpha) >/dev/null 2>&1 ||
  fail "repair under strace failed"
want=$(tip wave/demo/alpha)
points=()
for sc in "${calls[@]}"; do
  for ((k = 1; k <= $(grep -c "^$sc(" "$TEST_DIR/count.log"); k++)); do
    points+=("$sc $k")
  done
done
stride=$(( (${#points[@]} + ${WAVE_REPAIR_KILLS:-40} - 1) / ${WAVE_REPAIR_KILLS:-40} ))
n=0
for ((p = 0; p < ${#points[@]}; p += stride)); do
  read -r sc k <<<"${points[$p]}"
  restore
  (cd "$REPO" && exec strace -qq -o /dev/null -e signal=none -e trace="$sc" \
    -e inject="$sc:signal=KILL:when=$k" git-wave repair alpha) >/dev/null 2>&1 && continue
  n=$((n + 1))
  run git -C "$REPO" wave status
  if grep -q "^interrupted:" "$TEST_DIR/out"; then
    interrupted=$((${interrupted:-0} + 1))
    expect_out "the repair of wave 1 by a killed 'git wave repair'"
    expect_out "('git wave repair alpha' does)"
  fi
  run git -C "$REPO" wave repair alpha
  [ "$RC" -eq 0 ] || fail "after a kill at $sc #$k, the rerun exited $RC: $(cat "$TEST_DIR/err")"
  expect_eq "$(tip wave/demo/alpha)" "$want" "branch after a kill at $sc #$k"
  expect_eq "$(git -C "$(wt alpha)" status --porcelain)" "" "worktree after a kill at $sc #$k"
  all=$(git -C "$REPO" rev-list --all)
  grep -qx "$old" <<<"$all" || fail "the original tip is lost after a kill at $sc #$k"
  locks=$(find "$REPO/.git" -name '*.lock')
  [ -z "$locks" ] || fail "lock files left after a kill at $sc #$k: $locks"
  run git -C "$REPO" wave gate
  [ "$RC" -eq 0 ] || fail "gate after a kill at $sc #$k: $(cat "$TEST_DIR/out")"
done
echo "# $n of ${#points[@]} kill points tried, each converged; ${interrupted:-0} left an intent status showed"
[ "${interrupted:-0}" -gt 0 ] || fail "no kill left a repair intent for status to show"
[ "$n" -gt 0 ] || fail "no kill point was reached"
