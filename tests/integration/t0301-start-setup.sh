#!/usr/bin/env bash
# git wave start: setup commands and copied files in the new worktrees;
# a failing setup marks its agent failed with its log, and a rerun retries it.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

mkdir w
two_wave_repo w/repo
cd w/repo
cat >>wave.toml <<'TOML'
TOML
# Plan-level setup and copy, then each agent's own.
sed -i '1a setup = ["echo \\"plan setup for $WAVE_AGENT in $WAVE_RUN/$WAVE_WAVE on $WAVE_BRANCH\\" > setup.txt", "pwd > where.txt", "echo ${GIT_DIR-unset} ${GIT_INDEX_FILE-unset} > gitenv.txt"]\ncopy = [".env", "config/local"]' wave.toml
sed -i '/^name = "beta"/a setup = ["test -e \\"$HOME/beta-may-start\\" || { echo beta cannot start >&2; exit 3; }", "echo beta ready >> setup.txt"]\ncopy = ["secret.key"]' wave.toml
echo ".env" >.gitignore
echo "config/" >>.gitignore
echo "secret.key" >>.gitignore
git add wave.toml .gitignore
git commit -q -m "setup"
echo "TOKEN=1" >.env
mkdir -p config/local/deep
echo "x" >config/local/deep/file
echo "key" >secret.key

test_case "setup runs in each new worktree, plan-level first, with the run in the environment"
# Started the way an alias or a hook would run it, with the main
# repository's GIT_DIR and index exported: neither reaches the worktrees.
run env GIT_DIR="$PWD/.git" GIT_INDEX_FILE="$PWD/.git/index" git wave start
expect_rc 1
wt=$TEST_DIR/w/repo.wave/demo
expect_eq "$(head -1 "$wt/alpha/setup.txt")" "plan setup for alpha in demo/1 on wave/demo/alpha"
expect_eq "$(cat "$wt/alpha/where.txt")" "$wt/alpha"
expect_eq "$(cat "$wt/alpha/gitenv.txt")" "unset unset"
[ -z "$(git -C "$wt/alpha" status --porcelain --untracked-files=no)" ] || fail "alpha's checkout is not clean"

test_case "files listed in copy are copied from the main worktree"
expect_eq "$(cat "$wt/alpha/.env")" "TOKEN=1"
expect_eq "$(cat "$wt/alpha/config/local/deep/file")" "x"
expect_eq "$(cat "$wt/beta/secret.key")" "key"
[ -e "$wt/alpha/secret.key" ] && fail "alpha got beta's copy"
true

test_case "a failing setup marks its agent failed with its log, and start exits 1"
expect_out "ok     alpha"
expect_out "failed beta"
expect_out "setup command"
expect_err "1 of 2 agents of wave 1 failed to set up"
log=$(git rev-parse --git-common-dir)/wave/demo/logs/1/beta-setup.log
expect_out "log: $TEST_DIR/w/repo/$log"
grep -qF "beta cannot start" "$log" || fail "the log lacks the command's output: $(cat "$log")"
state_json . >"$TEST_DIR/state"
grep -A6 '"name": "beta"' "$TEST_DIR/state" | grep -qF '"setup": "failed"' || fail "beta not recorded as failed"
grep -A6 '"name": "alpha"' "$TEST_DIR/state" | grep -qF '"setup": "ok"' || fail "alpha not recorded as ok"
grep -qF "\"setup_log\": \"$TEST_DIR/w/repo/$log\"" "$TEST_DIR/state" || fail "log path not recorded"

test_case "status shows the failed setup"
run git wave status
expect_rc 0
expect_out "setup of 'beta' failed"

test_case "a rerun retries only the failed setup"
touch "$HOME/beta-may-start"
echo "changed" >"$wt/alpha/setup.txt"
run git wave start
expect_rc 0
expect_out "completing wave 1"
expect_out "ok     beta"
expect_no_out "alpha"
expect_eq "$(cat "$wt/alpha/setup.txt")" "changed" "alpha's setup did not run again"
expect_eq "$(tail -1 "$wt/beta/setup.txt")" "beta ready"
state_json . | grep -A6 '"name": "beta"' | grep -qF '"setup": "ok"' || fail "beta not recorded as ok"
run git log --format=%s refs/wave/demo/state
expect_out "set up wave 1: beta ok"

test_case "a copy entry missing from the main worktree fails that agent's setup"
cd "$TEST_DIR"
mkdir w2
two_wave_repo w2/repo
cd w2/repo
sed -i '/^name = "alpha"/a copy = ["missing.env"]' wave.toml
git commit -q -am "copy a missing file"
run git wave start
expect_rc 1
expect_out "cannot copy 'missing.env': it is not in the main worktree"
expect_out "ok     beta"

test_case "a setup command running past --setup-timeout is killed"
cd "$TEST_DIR"
mkdir w3
two_wave_repo w3/repo
cd w3/repo
sed -i '1a setup = ["sleep 30"]' wave.toml
git commit -q -am "slow setup"
start=$(date +%s)
run git wave start --setup-timeout 1s
expect_rc 1
expect_out "timed out"
[ $(($(date +%s) - start)) -lt 25 ] || fail "the setup was not killed at its timeout"

test_case "a setup command that found git's config locked is run again, even one that exited 0; any other failure is not"
cd "$TEST_DIR"
mkdir w4
two_wave_repo w4/repo
cd w4/repo
# Finds .git/config locked by another setup twice: first as git says it
# (exit 255), then as husky does (git's words, and exit 0 all the same).
cat >"$TEST_DIR/locked.sh" <<'SH'
n=$(( $(cat "$HOME/tries-$WAVE_AGENT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$HOME/tries-$WAVE_AGENT"
[ "$n" -ge 3 ] && exit 0
echo "error: could not lock config file .git/config: File exists" >&2
[ "$n" -eq 2 ] && exit 0
exit 255
SH
cat >"$TEST_DIR/other.sh" <<'SH'
n=$(( $(cat "$HOME/tries-$WAVE_AGENT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$HOME/tries-$WAVE_AGENT"
echo "error: could not read the package file" >&2
exit 1
SH
sed -i "/^name = \"alpha\"/a setup = [\"sh $TEST_DIR/locked.sh\"]" wave.toml
sed -i "/^name = \"beta\"/a setup = [\"sh $TEST_DIR/other.sh\"]" wave.toml
git commit -q -am "setups that fail"
# (-j 1: a failure while no other setup runs is final; see the next case.)
run git wave start -j 1
expect_rc 1
expect_out "ok     alpha"
expect_out "setup command 'sh $TEST_DIR/other.sh' failed (exit 1)"
expect_eq "$(cat "$HOME/tries-alpha")" "3" "alpha's setup attempts"
expect_eq "$(cat "$HOME/tries-beta")" "1" "beta's setup attempts"
expect_eq "$(grep -c "git's config file was locked (another setup writing it): 'sh $TEST_DIR/locked.sh' again in" \
  .git/wave/demo/logs/1/alpha-setup.log)" "2" "retries logged"

test_case "a setup command that still finds git's config locked at its fifth attempt failed, even if it exited 0"
cd "$TEST_DIR"
mkdir w4b
two_wave_repo w4b/repo
cd w4b/repo
printf 'echo "error: could not lock config file .git/config: File exists" >&2\n' >"$TEST_DIR/locked.sh"
sed -i "/^name = \"alpha\"/a setup = [\"sh $TEST_DIR/locked.sh\"]" wave.toml
git commit -q -am "a setup that finds the config locked"
run git wave start -j 1
expect_rc 1
expect_out "setup command 'sh $TEST_DIR/locked.sh' found git's config file locked, 5 times"

test_case "a setup that failed while another ran is run again alone, once; the log says so"
cd "$TEST_DIR"
mkdir w5
two_wave_repo w5/repo
cd w5/repo
# Both setups wait until both have begun, then take one lock (as two hook
# managers' installs race on .git/hooks): the loser fails at once; the
# winner holds the lock until the loser has failed.
cat >"$TEST_DIR/race.sh" <<'SH'
n=$(( $(cat "$HOME/tries-$WAVE_AGENT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$HOME/tries-$WAVE_AGENT"
: >"$HOME/began-$WAVE_AGENT"
for _ in $(seq 600); do [ -e "$HOME/began-alpha" ] && [ -e "$HOME/began-beta" ] && break; sleep 0.05; done
if ! mkdir "$HOME/hooks-lock" 2>/dev/null; then
  : >"$HOME/lost"
  echo "can't rename pre-commit to pre-commit.old - file already exists" >&2
  exit 1
fi
for _ in $(seq 600); do [ -e "$HOME/lost" ] && break; sleep 0.05; done
rmdir "$HOME/hooks-lock"
SH
sed -i "/^name = \"alpha\"/a setup = [\"sh $TEST_DIR/race.sh\"]" wave.toml
sed -i "/^name = \"beta\"/a setup = [\"sh $TEST_DIR/race.sh\"]" wave.toml
git commit -q -am "setups that race"
rm -f "$HOME"/tries-* "$HOME"/began-*
run git wave start -j 2
expect_rc 0
expect_out "ok     alpha"
expect_out "ok     beta"
expect_eq "$(($(cat "$HOME/tries-alpha") + $(cat "$HOME/tries-beta")))" 3 "setup runs in all"
expect_eq "$(cat .git/wave/demo/logs/1/*-setup.log | grep -c "failed while other setups ran at the same time")" 1 \
  "the run alone, logged"
expect_eq "$(git wave status --json | jq -r '[.agents[] | select(.wave == "1") | .setup] | join(",")')" "ok,ok"

test_case "a setup that fails alone as well is reported failed, after its second run"
cd "$TEST_DIR"
mkdir w6
two_wave_repo w6/repo
cd w6/repo
# Beta's setup is broken; alpha's passes, once beta's has failed beside it.
cat >"$TEST_DIR/both.sh" <<'SH'
n=$(( $(cat "$HOME/tries6-$WAVE_AGENT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$HOME/tries6-$WAVE_AGENT"
: >"$HOME/began6-$WAVE_AGENT"
for _ in $(seq 600); do [ -e "$HOME/began6-alpha" ] && [ -e "$HOME/began6-beta" ] && break; sleep 0.05; done
if [ "$WAVE_AGENT" = beta ]; then
  : >"$HOME/failed6"
  echo "error: could not read the package file" >&2
  exit 1
fi
for _ in $(seq 600); do [ -e "$HOME/failed6" ] && break; sleep 0.05; done
SH
sed -i "1a setup = [\"sh $TEST_DIR/both.sh\"]" wave.toml
git commit -q -am "beta's setup is broken"
run git wave start -j 2
expect_rc 1
expect_out "ok     alpha"
expect_out "setup command 'sh $TEST_DIR/both.sh' failed (exit 1)"
expect_eq "$(cat "$HOME/tries6-alpha"),$(cat "$HOME/tries6-beta")" "1,2" "setup runs"
grep -qF "once more, alone" .git/wave/demo/logs/1/beta-setup.log || fail "beta's log: $(cat .git/wave/demo/logs/1/beta-setup.log)"

test_case "setups that all fail side by side are not run again: the failure is the setup's own"
cd "$TEST_DIR"
mkdir w7
two_wave_repo w7/repo
cd w7/repo
cat >"$TEST_DIR/all.sh" <<'SH'
n=$(( $(cat "$HOME/tries7-$WAVE_AGENT" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$HOME/tries7-$WAVE_AGENT"
: >"$HOME/began7-$WAVE_AGENT"
for _ in $(seq 600); do [ -e "$HOME/began7-alpha" ] && [ -e "$HOME/began7-beta" ] && break; sleep 0.05; done
echo "npm ERR! code E404" >&2
exit 1
SH
sed -i "1a setup = [\"sh $TEST_DIR/all.sh\"]" wave.toml
git commit -q -am "a broken setup"
run git wave start -j 2
expect_rc 1
expect_eq "$(cat "$HOME/tries7-alpha"),$(cat "$HOME/tries7-beta")" "1,1" "setup runs"
! grep -qF "once more, alone" .git/wave/demo/logs/1/*-setup.log || fail "a setup ran again"

test_case "an invalid --setup-timeout is a usage error"
run git wave start --setup-timeout soon
expect_rc 129
expect_err "invalid duration 'soon'"
