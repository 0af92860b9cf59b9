#!/usr/bin/env bash
# git wave run on a real terminal (a tmux pane): the live block, a line per
# agent redrawn in place; and --tmux: each agent in a window of the run's
# tmux session, supervised as well as without it, and `git wave attach`;
# Ctrl-C stops the agents, even one whose window is still being set up.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

if ! command -v tmux >/dev/null; then
  [ "${WAVE_REQUIRE_TOOLS:-0}" != 1 ] || { echo "tmux is not installed (WAVE_REQUIRE_TOOLS=1; .ci/setup installs it)"; exit 1; }
  echo "# tmux is not installed: skipped"
  exit 0
fi
# A private tmux server (its socket path must stay short), never the user's.
TMUX_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/gw-tmux.XXXXXX")
export TMUX_TMPDIR
unset TMUX
trap 'rc=$?; tmux kill-server 2>/dev/null || true; rm -rf "$TMUX_TMPDIR"; (exit $rc); finish' EXIT

. "$SOURCE_DIR/tests/integration/lib_run.sh"

plan() {
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[run]
launch = "sh $AGENT"
retries = 1
${2:-}
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
TOML
}


# screen: what the test's terminal shows now.
screen() { tmux capture-pane -p -t =term: ; }

# wait_for_text WHAT TEXT: waits until `WHAT` prints TEXT.
wait_for_text() {
  local show=$1 text=$2
  wait_for "'$text' to show in $show" '"$show" | grep -qF -- "$text"' || echo "# $show showed: $("$show")" >&2
}

test_case "on a terminal, a line per agent is redrawn in place: state, attempt, elapsed, its last words"
fresh live "$(plan live)"
behave a 1 'echo "a is thinking hard"; while [ ! -e "$WAVE_TEST_DIR/go" ]; do sleep 0.1; done'
behave b 1 'while [ ! -e "$WAVE_TEST_DIR/go" ]; do sleep 0.1; done'
tmux new-session -d -s term -x 160 -y 40 \
  "cd '$REPO' && TERM=xterm git wave run --one-wave; echo \"rc=\$?\" >'$TEST_DIR/live.rc'; sleep 600"
wait_for_text screen "wave 1 of run 'demo': 2 running, 0 done of 2"
wait_for_text screen "a is thinking hard"
# (A capture can fall between the erase and the drawing of a redraw: look
# until the line is there, and count the blocks over several redraws.)
a_line() { screen | grep -E '^  a +running +#1 '; }
b_line() { screen | grep -E '^  b +running +#1 '; }
wait_for_text a_line "running"
wait_for_text b_line "running"
for _ in 1 2 3 4 5 6 7 8; do
  [ "$(screen | grep -c "wave 1 of run 'demo': ")" -le 1 ] || fail "the block was not redrawn in place: $(screen)"
  sleep 0.25
done
touch "$TEST_DIR/go"
wait_for "the live run to end" '[ -e "$TEST_DIR/live.rc" ]'
expect_eq "$(cat "$TEST_DIR/live.rc")" "rc=0"
screen | grep -q "wave 1 merged: " || fail "no merged line: $(screen)"
screen | grep -q "a#1 exited: done" || fail "no exit line for a: $(screen)"
tmux kill-session -t =term

test_case "not on a terminal: one line per event, no control sequences"
fresh plain "$(plan plain)"
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#1 launched: sh $AGENT"
! grep -q $'\x1b' "$TEST_DIR/out" || fail "control sequences in a pipe: $(cat -v "$TEST_DIR/out")"

test_case "--tmux runs each agent in a window of the run's session, on a terminal, and lands the wave"
fresh win "$(plan win)"
run git -C "$REPO" wave run --one-wave --tmux
expect_rc 0
expect_out "agents run in windows of tmux session 'wave-demo'"
expect_out "wave 1 merged"
expect_eq "$(tmux list-windows -t =wave-demo -F '#{window_name}' | sort | tr '\n' ' ')" "a b "
grep -q "a on a terminal" "$REPO/.git/wave/demo/logs/1/a-attempt-1.log" ||
  fail "a's window output is not in its log: $(cat "$REPO/.git/wave/demo/logs/1/a-attempt-1.log")"
expect_eq "$(git -C "$REPO" show main:b/work.txt)" "work of b, attempt 1"

test_case "git wave attach shows the agent's window; without one it says how to get one"
(cd "$REPO" && TERM=xterm script -qec "git wave attach b" /dev/null >"$TEST_DIR/attach.out" 2>&1) &
attacher=$!
clients() { tmux list-clients -F '#{session_name} #{window_name}'; }
wait_for_text clients "wave-demo b"
tmux detach-client -s =wave-demo
wait "$attacher" || fail "attach ended with $?: $(cat "$TEST_DIR/attach.out")"
run git -C "$REPO" wave attach nobody
expect_rc 128
expect_err "agent 'nobody' has no window in tmux session 'wave-demo'"
expect_err "hint: 'git wave run --tmux' runs each agent in a window there"
# Off a terminal (and outside tmux): git-wave's own error, not tmux's.
run env -u TMUX git -C "$REPO" wave attach b
expect_rc 128
expect_err "error: 'git wave attach' needs a terminal"
expect_err "hint: run 'tmux attach -t wave-demo' from a terminal (window 'b')"
expect_err "'git wave logs b' to read its output"
! grep -q "open terminal failed" "$TEST_DIR/err" || fail "tmux's own error: $(cat "$TEST_DIR/err")"

test_case "--tmux: a failed attempt is retried in a new window, with the failure in its brief"
fresh retry "$(plan retry)"
behave b 1 'echo "cannot do it"; exit 3'
run git -C "$REPO" wave run --one-wave --tmux
expect_rc 0
expect_out "wave 1 b#1 exited: failed: the launch command ended with exit 3"
expect_out "wave 1 b#2 exited: done"
expect_eq "$(tmux list-windows -t =wave-demo -F '#{window_name}' | sort | tr '\n' ' ')" "a b "
grep -q "exit 3" "$REPO/.git/wave/demo/logs/1/b-attempt-2.brief.md" || fail "the failure is not in the second brief"
tmux kill-session -t =wave-demo

test_case "--tmux: a hung agent is killed by the idle timeout, window and all"
fresh idle "$(plan idle 'idle_timeout = "1s"')"
behave a 1 'sleep 60 & echo $! >"$WAVE_TEST_DIR/hung.pid"; wait'
run git -C "$REPO" wave run --one-wave --tmux
expect_rc 0
expect_out "wave 1 a#1 exited: stalled"
expect_out "wave 1 a#2 exited: done"
! alive "$(cat "$TEST_DIR/hung.pid")" || fail "the hung agent's child survived"
tmux kill-session -t =wave-demo

test_case "--tmux: run killed with -9, then run again: the window's attempt is waited for, not run twice"
fresh killed "$(plan killed)"
behave a 1 'sleep 2; echo "a: still talking after the run was killed"'
kill_run_when "$TEST_DIR/run1.out" KILL "$a_started" --tmux
run git -C "$REPO" wave run --one-wave --tmux
expect_rc 0
expect_out "still running; waiting for it to end"
expect_no_out "a#2 launched"
expect_eq "$(grep -c '^a ' "$TEST_DIR/timeline")" 2 "a ran more than once: $(cat "$TEST_DIR/timeline")"
expect_eq "$(git -C "$REPO" show main:a/work.txt)" "work of a, attempt 1"
grep -q "still talking after the run was killed" "$REPO/.git/wave/demo/logs/1/a-attempt-1.log" ||
  fail "what the agent wrote after the kill is not in its log"
tmux kill-session -t =wave-demo

test_case "--tmux: Ctrl-C stops the agents in their windows; the next run continues"
fresh interrupted "$(plan interrupted)"
behave a 1 'sleep 60 & echo $! >"$WAVE_TEST_DIR/interrupted.pid"; wait'
kill_run_when "$TEST_DIR/run2.out" INT '[ -s "$TEST_DIR/interrupted.pid" ]' --tmux
wait_for "the agent to go down with Ctrl-C" '! alive "$(cat "$TEST_DIR/interrupted.pid")"'
run git -C "$REPO" wave run --one-wave --tmux
expect_rc 0
expect_out "wave 1 a#2 launched"
expect_out "merged"

test_case "--tmux: Ctrl-C while an agent's window is still being set up stops that agent too"
fresh starting "$(plan starting)"
behave a 1 'sleep 60 & echo $! >"$WAVE_TEST_DIR/starting.pid"; wait'
# A tmux that takes its time to say which process a pane runs: the agent is
# at work before git wave knows its process.
mkdir -p "$TEST_DIR/slow-tmux"
cat >"$TEST_DIR/slow-tmux/tmux" <<SH
#!/bin/sh
case "\$*" in *pane_pid*) sleep 3 ;; esac
exec $(command -v tmux) "\$@"
SH
chmod +x "$TEST_DIR/slow-tmux/tmux"
saved_path=$PATH
PATH="$TEST_DIR/slow-tmux:$PATH"
kill_run_when "$TEST_DIR/run3.out" INT '[ -s "$TEST_DIR/starting.pid" ]' --tmux
PATH=$saved_path
wait_for "the agent whose window was being set up to go down with Ctrl-C" '! alive "$(cat "$TEST_DIR/starting.pid")"'

test_case "--tmux: agents launched at once share one new session, each in its window, none failing"
fresh together "$(plan together)"
tmux kill-session -t =wave-demo 2>/dev/null || true
# A tmux slow to answer whether the session exists: both agents' threads
# hear "no" before either has made it.
mkdir -p "$TEST_DIR/slow-has"
cat >"$TEST_DIR/slow-has/tmux" <<SH
#!/bin/sh
[ "\$1" = has-session ] || exec $(command -v tmux) "\$@"
$(command -v tmux) "\$@"
rc=\$?
sleep 0.5
exit \$rc
SH
chmod +x "$TEST_DIR/slow-has/tmux"
saved_path=$PATH
PATH="$TEST_DIR/slow-has:$PATH"
run git -C "$REPO" wave run --one-wave --tmux
PATH=$saved_path
expect_rc 0
expect_no_out "duplicate session"
expect_no_out "retried"
expect_eq "$(tmux list-windows -t =wave-demo -F '#{window_name}' | sort | tr '\n' ' ')" "a b "
tmux kill-session -t =wave-demo
