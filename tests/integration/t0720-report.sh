#!/usr/bin/env bash
# git wave report: the durations of a run git wave run drove (scripted agents
# that sleep known times), the approximate figures of a run driven by hand,
# the picture, and precise refusals.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

AGENT="$TEST_DIR/agent.sh"
cat >"$AGENT" <<'SH'
#!/bin/sh
# Sleeps as long as the agent's name says (a1 one second, b5 five), then works.
cat >/dev/null
sleep "${GIT_WAVE_AGENT#?}"
mkdir -p "$GIT_WAVE_AGENT"
echo "work of $GIT_WAVE_AGENT" >"$GIT_WAVE_AGENT/work.txt"
SH

plan() {
  cat <<TOML
name = "demo"
worktrees = "../$1.wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[run]
launch = "sh $AGENT"
[[agent]]
name = "a1"
owns = ["a1/**"]
estimate = "1s"
[[agent]]
name = "b5"
owns = ["b5/**"]
estimate = "5s"
[[agent]]
name = "c1"
after = ["a1"]
owns = ["c1/**"]
estimate = "1s"
TOML
}

json_get() { python3 -c "import json,sys; d=json.load(open('$TEST_DIR/out')); print($1)"; }
# within VALUE LOW HIGH: LOW <= VALUE <= HIGH (numbers).
within() { python3 -c "import sys; v,l,h=map(float,sys.argv[1:]); sys.exit(0 if l<=v<=h else 1)" "$1" "$2" "$3" ||
  fail "$1 is not within [$2, $3]${4:+ ($4)}"; }

test_case "a run driven by git wave run reports its agents' durations and the speedups they gave"
make_repo driven "$(plan driven)"
run git -C "$REPO" wave run
expect_rc 0
run git -C "$REPO" wave report --json
expect_rc 0
python3 - "$TEST_DIR/out" <<'PY' || fail "the JSON's shape is not git-wave-report(1)'s"
import json, sys
d = json.load(open(sys.argv[1]))
def keys(o, want, where):
    assert list(o) == want.split(), f"{where}: {list(o)}"
keys(d, "run approximate finished running origin plan_waves wall_seconds agent_seconds waves_seconds "
        "eager_seconds speedup time waiting_seconds retry_seconds serial_seconds lost critical_path waves marks spent "
        "spent_redone", "top")
keys(d["speedup"], "actual theoretical theoretical_eager waves eager", "speedup")
keys(d["time"], "working retries gates failed_gates merges blocked idle between aborted", "time")
keys(d["critical_path"], "planned actual", "critical_path")
for w in d["waves"]:
    keys(w, "label aborted approximate started end gate earlier_gates bisect_runs blocked merge slowest_seconds running_seconds "
            "serial_seconds agents spent", "wave")
    keys(w["gate"], "start end passed", "gate")
    keys(w["merge"], "start end", "merge")
    for a in w["agents"]:
        keys(a, "name launched first_commit last_commit exited gated merged work_seconds retry_seconds "
                "waiting_seconds estimate_seconds planned_critical actual_critical running attempts spent spent_redone", "agent")
        for at in a["attempts"]:
            keys(at, "number start end seconds ended redone spent", "attempt")
PY
expect_eq "$(json_get 'd["approximate"]')" "False"
expect_eq "$(json_get 'd["finished"]')" "True"
expect_eq "$(json_get '[w["label"] for w in d["waves"]]')" "['1', '2']"
# Recorded to the second: a sleep of N seconds lasts N or N+1 (+1 on a loaded machine).
work() { json_get "{a['name']: a['work_seconds'] for w in d['waves'] for a in w['agents']}['$1']"; }
within "$(work a1)" 1 3 "a1"
within "$(work b5)" 5 7 "b5"
within "$(work c1)" 1 3 "c1"
expect_eq "$(json_get 'd["agent_seconds"] == sum(a["work_seconds"] for w in d["waves"] for a in w["agents"])')" "True"
# In waves: the slowest of wave 1 (b5) then c1; eagerly c1 runs beside b5.
expect_eq "$(json_get 'd["waves_seconds"] == max(a["work_seconds"] for a in d["waves"][0]["agents"]) + d["waves"][1]["agents"][0]["work_seconds"]')" "True"
expect_eq "$(json_get 'd["eager_seconds"]')" "$(work b5)"
expect_eq "$(json_get 'd["critical_path"]')" "{'planned': ['b5'], 'actual': ['b5']}"
within "$(json_get 'd["speedup"]["waves"]')" 1.1 1.5 "waves with the actual durations"
within "$(json_get 'd["speedup"]["eager"]')" 1.25 1.9 "eager with the actual durations"
within "$(json_get 'd["speedup"]["theoretical"]')" 1.166 1.167 "theoretical: 7s of estimates in 6s of waves"
within "$(json_get 'd["speedup"]["theoretical_eager"]')" 1.39 1.41 "theoretical eager: 7s in 5s"
expect_eq "$(json_get 'abs(d["speedup"]["actual"] - d["agent_seconds"] / d["wall_seconds"]) < 1e-9')" "True"
expect_eq "$(json_get 'd["wall_seconds"] >= d["waves_seconds"]')" "True"
expect_eq "$(json_get 'sum(d["time"].values()) == d["wall_seconds"]')" "True"
expect_eq "$(json_get '[a["ended"] for w in d["waves"] for a2 in w["agents"] for a in a2["attempts"]]')" "['done', 'done', 'done']"
expect_eq "$(json_get 'all(a["launched"] is not None and a["exited"] is not None and a["gated"] is not None and a["merged"] is not None for w in d["waves"] for a in w["agents"])')" "True"
# a1 waited for b5, at the barrier of wave 1.
within "$(json_get 'd["waves"][0]["agents"][0]["waiting_seconds"]')" 2 5 "a1 waiting for b5"

test_case "its text reads at a glance, with a timeline in characters"
run git -C "$REPO" wave report
expect_rc 0
expect_out "run demo: 2 of 2 waves merged, 3 agents, wall-clock"
expect_out "speedup   actual "
expect_out "theoretical 1.17x in waves, 1.40x eager (the plan's estimates)"
expect_out "critical  planned b5"
expect_out "path      actual  b5 ("
expect_out "WAVE  AGENT  WORK  TRIES  LAUNCHED  COMMITS  EXITED  GATED  MERGED  WAITED  ESTIMATE"
# The lead commits of git wave run carry the tests' fixed date, before the run: no commit time.
grep -qE "^2 +c1 +[0-9]+s +1 +[0-9]+s +- +[0-9]+s " "$TEST_DIR/out" || fail "no line for c1: $(cat "$TEST_DIR/out")"
expect_out "wave 1  a1 "
expect_out "        b5*"
expect_out "wave 2  c1 "
expect_out "= at work  x redone"
expect_no_out "approximate"
grep -q $'\033' "$TEST_DIR/out" && fail "colour when stdout is no terminal"
run git -C "$REPO" wave report --color=always
expect_rc 0
grep -q $'\033\[' "$TEST_DIR/out" || fail "no colour with --color=always"
NO_COLOR=1 run git -C "$REPO" wave report
grep -q $'\033' "$TEST_DIR/out" && fail "colour with NO_COLOR"
true

test_case "the picture: a well-formed SVG with a lane per agent, a bar per attempt, a legend and the figures"
run git -C "$REPO" wave report --svg "$TEST_DIR/report.svg" --html "$TEST_DIR/report.html"
expect_rc 0
expect_out "wrote '$TEST_DIR/report.svg'"
python3 - "$TEST_DIR/report.svg" <<'PY' || fail "the SVG's structure"
import sys, xml.etree.ElementTree as ET
ns = {'s': 'http://www.w3.org/2000/svg'}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag
lanes = root.findall(".//s:g[@class='lane']", ns)
assert sorted(l.get('data-agent') for l in lanes) == ['a1', 'b5', 'c1'], [l.get('data-agent') for l in lanes]
assert [w.get('data-wave') for w in root.findall(".//s:g[@class='wave']", ns)] == ['1', '2']
for lane in lanes:
    assert len(lane.findall("s:rect[@class='attempt']", ns)) == 1, lane.get('data-agent')
assert len(root.findall(".//s:rect[@class='gate']", ns)) == 2
assert len(root.findall(".//s:path[@class='merge']", ns)) == 2
legend = ' '.join(t.text for t in root.findall(".//s:g[@class='legend']/s:text", ns))
for word in ('attempt', 'gate', 'merge', 'actual critical path'):
    assert word in legend, legend
texts = ' '.join(t.text or '' for t in root.iter('{http://www.w3.org/2000/svg}text'))
assert 'actual speedup' in texts and 'theoretical, in waves' in texts, texts
assert 'critical path, planned: b5' in texts, texts
PY
grep -q "<svg xmlns" "$TEST_DIR/report.html" || fail "the HTML page holds no SVG"
head -1 "$TEST_DIR/report.html" | grep -q "<!DOCTYPE html>" || fail "not an HTML page"
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --screenshot="$TEST_DIR/report.png" \
    --window-size=1200,700 "file://$TEST_DIR/report.svg" >/dev/null 2>&1 || fail "chromium could not render it"
  [ "$(stat -c %s "$TEST_DIR/report.png")" -gt 10000 ] || fail "the screenshot is (nearly) empty"
fi

test_case "a run driven by hand reports approximate figures from its commits, and says so"
make_repo byhand "$(plan byhand)" 'test -f b5/ok'
start_wave
a=$(wt a1) b=$(wt b5)
mkdir -p "$a/a1" "$b/b5"
echo one >"$a/a1/x" && git -C "$a" add -A && env -u GIT_COMMITTER_DATE git -C "$a" commit -q -m a1
sleep 2
echo two >"$b/b5/x" && git -C "$b" add -A && env -u GIT_COMMITTER_DATE git -C "$b" commit -q -m b5
run git -C "$REPO" wave gate
expect_rc 1
echo ok >"$b/b5/ok" && git -C "$b" add -A && env -u GIT_COMMITTER_DATE git -C "$b" commit -q -m "b5: ok"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
run git -C "$REPO" wave report --json
expect_rc 0
expect_eq "$(json_get 'd["approximate"]')" "True"
expect_eq "$(json_get 'd["finished"]')" "False"
expect_eq "$(json_get 'd["waves"][0]["approximate"]')" "True"
expect_eq "$(json_get '[a["attempts"][0]["ended"] for a in d["waves"][0]["agents"]]')" "['commits', 'commits']"
within "$(json_get 'd["waves"][0]["agents"][1]["work_seconds"]')" 2 8 "b5 committed two seconds in, and after the gate"
# The gate that failed counts too.
expect_eq "$(json_get 'len(d["waves"][0]["earlier_gates"])')" "1"
expect_eq "$(json_get 'd["waves"][0]["earlier_gates"][0]["end"] <= d["waves"][0]["gate"]["start"]')" "True"
expect_eq "$(json_get 'sum(d["time"].values()) == d["wall_seconds"]')" "True"
expect_eq "$(json_get 'd["waves"][0]["agents"][1]["last_commit"] == d["waves"][0]["agents"][1]["exited"]')" "True"
run git -C "$REPO" wave report
expect_rc 0
expect_out "run demo: 1 of 2 waves merged, 2 agents"
expect_out "(not finished)"
expect_out "approximate: wave 1 not launched by 'git wave run': each agent counts from its wave's start to its last commit"
expect_out "~"
run git -C "$REPO" wave report --svg "$TEST_DIR/byhand.svg"
expect_rc 0
python3 - "$TEST_DIR/byhand.svg" <<'PY' || fail "the approximate picture's structure"
import sys, xml.etree.ElementTree as ET
ns = {'s': 'http://www.w3.org/2000/svg'}
root = ET.parse(sys.argv[1]).getroot()
bars = root.findall(".//s:rect[@class='attempt']", ns)
assert len(bars) == 2 and all(b.get('stroke-dasharray') for b in bars), [b.attrib for b in bars]
texts = ' '.join(t.text or '' for t in root.iter('{http://www.w3.org/2000/svg}text'))
assert 'approximate' in texts and 'not finished' in texts, texts
PY

test_case "bad input: no run yet, an unknown run, an unwritable picture, an unknown option"
make_repo none "$(plan none)"
run git -C "$REPO" wave report
expect_rc 128
expect_err "error: no run has started in this repository"
expect_err "hint: start the plan's first wave with 'git wave start'"
run git -C "$TEST_DIR/byhand" wave report --run dmeo
expect_rc 128
expect_err "error: there is no run 'dmeo'"
expect_err "hint: did you mean 'demo'?"
run git -C "$TEST_DIR/byhand" wave report --svg "$TEST_DIR/no/such/dir/r.svg"
expect_rc 128
expect_err "error: cannot write '$TEST_DIR/no/such/dir/r.svg'"
run git -C "$TEST_DIR/byhand" wave report --frobnicate
expect_rc 129
run git -C "$TEST_DIR/byhand" wave report -h
expect_rc 0
expect_out "usage: git wave report [--run <name>] [--json] [--svg <file>] [--html <file>] [--color=<when>]"
