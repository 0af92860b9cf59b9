#!/usr/bin/env bash
# The run's limits on an attempt kill at their setting (issue 18): the idle
# timeout counts from the agent's last act (output or a change in its
# worktree), the checkout it was launched in is not an act of its own, and
# the overall timeout counts from the launch.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"
. "$SOURCE_DIR/tests/integration/lib_run.sh"

one_agent() {
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[run]
launch = "sh $AGENT"
retries = 0
$2
[[agent]]
name = "a"
owns = ["a/**"]
TOML
}


# The seconds from the attempt's recorded launch to its recorded exit.
attempt_seconds() {
  state_field 'next(__import__("calendar").timegm(__import__("time").strptime(a["exited_at"], "%Y-%m-%dT%H:%M:%SZ")) - __import__("calendar").timegm(__import__("time").strptime(a["launched_at"], "%Y-%m-%dT%H:%M:%SZ")) for a in s["waves"][0]["attempts"] if a["agent"] == "a")'
}

# since MARK: seconds from the agent's timeline mark MARK (its own clock,
# to the nanosecond) to the attempt's recorded exit (to the second, rounded
# down: up to a second early).
since() {
  local exited
  exited=$(state_field 'next(__import__("calendar").timegm(__import__("time").strptime(a["exited_at"], "%Y-%m-%dT%H:%M:%SZ")) for a in s["waves"][0]["attempts"] if a["agent"] == "a")')
  awk -v mark="$1" -v exited="$exited" '$3 == mark { f = $4 } END { printf "%.1f\n", exited - f }' "$TEST_DIR/timeline"
}

test_case "an agent silent from its launch is killed as stalled within 7 s by an idle timeout of 5 s"
fresh silent "$(one_agent silent 'idle_timeout = "5s"')"
behave a 1 'sleep 30 & wait'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "wave 1 a#1 exited: stalled: killed after "
expect_no_out "stalled: stalled"
expect_eq "$(state_field '[a["end"] for a in s["waves"][0]["attempts"]]')" "['stalled']"
seconds=$(attempt_seconds)
# Whole seconds both: 5 s and a little are at least 4 and at most 6 apart;
# the checkout counted as the agent's act gave 10.
[ "$seconds" -ge 4 ] && [ "$seconds" -le 7 ] || fail "launched to exited: ${seconds}s, not about 5"
awk -v g="$(since start)" 'BEGIN { exit !(g >= 3.9 && g < 7) }' ||
  fail "it exited $(since start)s after its start, not about 5: $(cat "$TEST_DIR/timeline")"

test_case "the idle timeout counts from the agent's last change of its worktree, not from when it was seen"
fresh late "$(one_agent late 'idle_timeout = "5s"')"
behave a 1 'sleep 1; mkdir -p a; echo draft >a/draft.txt
echo "a 1 wrote $(date +%s.%N)" >>"$WAVE_TEST_DIR/timeline"
sleep 30 & wait'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "wave 1 a#1 exited: stalled"
# From the write, not from the look at 5 s that found it (that gave 9 s).
awk -v g="$(since wrote)" 'BEGIN { exit !(g >= 3.9 && g < 7.5) }' ||
  fail "it exited $(since wrote)s after its last write, not about 5: $(cat "$TEST_DIR/timeline")"

test_case "an agent that writes output keeps living past the idle timeout"
fresh chatty "$(one_agent chatty 'idle_timeout = "2s"')"
behave a 1 'for i in 1 2 3 4 5 6; do echo "step $i"; sleep 1; done'
run git -C "$REPO" wave run --one-wave
expect_rc 0
expect_out "wave 1 a#1 exited: done"

test_case "the overall timeout kills at its setting, output or not"
fresh long "$(one_agent long 'timeout = "5s"')"
behave a 1 'while :; do echo busy; sleep 0.5 & wait; done'
run git -C "$REPO" wave run --one-wave
expect_rc 1
expect_out "wave 1 a#1 exited: timeout: killed at its time limit, after "
seconds=$(attempt_seconds)
[ "$seconds" -ge 4 ] && [ "$seconds" -le 7 ] || fail "launched to exited: ${seconds}s, not about 5"
awk -v g="$(since start)" 'BEGIN { exit !(g >= 3.9 && g < 7) }' ||
  fail "it exited $(since start)s after its start, not about 5: $(cat "$TEST_DIR/timeline")"
