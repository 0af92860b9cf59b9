#!/usr/bin/env bash
# The gate in CI: the workflows of docs/ci/ are valid YAML and run only
# docs/ci/wave-ci.sh, and the commands they run work as a CI runner runs
# them: a fresh clone, CI=true, an empty HOME, the identity (or none) only
# from the environment, no terminal; the JUnit reports they leave are what a
# CI reads. The server has no git wave hook, as GitHub and GitLab have none:
# the CI audit is then what catches a foreign file.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

PLAN='name = "demo"
worktrees = "{repo}.wt/{agent}"
protected = ["wave.toml", "ci/**", ".github/**", ".gitlab-ci.yml"]
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "a"
task = "Write a"
owns = ["a/**"]
[[agent]]
name = "b"
task = "Write b"
owns = ["b/**"]'

SERVER="$TEST_DIR/server.git"
git init -q --bare "$SERVER"
make_repo lead "$PLAN" 'echo "gate: <ok> & done"
if [ -e a/gate-breaker ]; then echo "broken by a/gate-breaker"; exit 3; fi'
# The repository takes the workflows and the script as the docs say.
mkdir -p "$REPO/ci" "$REPO/.github/workflows"
cp "$SOURCE_DIR/docs/ci/wave-ci.sh" "$REPO/ci/wave-ci.sh"
cp "$SOURCE_DIR/docs/ci/github-actions.yml" "$REPO/.github/workflows/wave.yml"
cp "$SOURCE_DIR/docs/ci/gitlab-ci.yml" "$REPO/.gitlab-ci.yml"
git -C "$REPO" add -A && git -C "$REPO" commit -q -m "ci"
git -C "$REPO" remote add origin "file://$SERVER"
git -C "$REPO" push -q origin main
start_wave
git -C "$REPO" push -q --atomic origin 'refs/wave/*:refs/wave/*' 'refs/heads/wave/*:refs/heads/wave/*'
work a a/work.txt "a's work"
git -C "$REPO" push -q origin wave/demo/a
work b b/work.txt "b's work"
work b a/stolen.txt "not b's" --no-verify
STOLEN=$(git -C "$REPO" rev-parse --short wave/demo/b)
git -C "$REPO" push -q origin wave/demo/b

CI_HOME="$TEST_DIR/ci-home"
mkdir -p "$CI_HOME"
IDENTITY=(GIT_AUTHOR_NAME="CI Bot" GIT_AUTHOR_EMAIL="ci@example.com"
  GIT_COMMITTER_NAME="CI Bot" GIT_COMMITTER_EMAIL="ci@example.com")
# on_runner CMD...: CMD as a CI runner runs it: a clean environment with
# CI=true, an empty HOME (no ~/.gitconfig), no system config, the identity
# only from $IDENTITY (empty: none at all), stdin from /dev/null.
on_runner() {
  env -i PATH="$PATH" HOME="$CI_HOME" CI=true GIT_CONFIG_NOSYSTEM=1 LANG=C TZ=UTC \
    GIT_CEILING_DIRECTORIES="$GIT_CEILING_DIRECTORIES" ${IDENTITY[@]+"${IDENTITY[@]}"} "$@" </dev/null
}
# fresh_clone DIR: a clone as CI makes it (the runner's own HOME).
fresh_clone() {
  rm -rf "$1"
  on_runner git clone -q "file://$SERVER" "$1"
}
# xml FILE XPATH: the value of an XPath expression on FILE: count(//PATH),
# string(//PATH) or string(//PATH/@ATTR). xmllint when installed (.ci/setup
# installs it), else Python's ElementTree, which reads these forms too.
xml() {
  if command -v xmllint >/dev/null && [ -z "${WAVE_NO_XMLLINT:-}" ]; then
    xmllint --xpath "$2" "$1"
  else
    python3 - "$1" "$2" <<'PY'
import re, sys, xml.etree.ElementTree as ET
doc = ET.Element("document")  # above the root, so that //testsuites finds it
doc.append(ET.parse(sys.argv[1]).getroot())
fn, path = re.fullmatch(r"(count|string)\(//(.*)\)", sys.argv[2]).groups()
if fn == "count":
    print(len(doc.findall(".//" + path)))
else:
    m = re.fullmatch(r"(.*)/@([\w-]+)", path)
    element = doc.find(".//" + (m.group(1) if m else path))
    print("" if element is None else element.get(m.group(2), "") if m else "".join(element.itertext()), end="")
PY
  fi
}

# The commands of the workflows, one per line, for one job of each:
# "<job><TAB><command>". Fails unless both files are valid YAML and every
# command a job runs is a call of ci/wave-ci.sh.
python3 - "$REPO/.github/workflows/wave.yml" "$REPO/.gitlab-ci.yml" >"$TEST_DIR/commands" 2>"$TEST_DIR/yaml-err" <<'PY' ||
import re, sys, yaml

gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
ok = re.compile(r'^bash ci/wave-ci\.sh (install|audit "\$(GITHUB_REF_NAME|CI_COMMIT_REF_NAME)"|gate-and-merge)$')

def check(cond, what):
    if not cond:
        sys.exit("workflow: " + what)

on = gh.get("on", gh.get(True))  # YAML 1.1 reads a bare `on` key as true
check(on["push"]["branches"] == ["wave/**"], "GitHub: audit on pushes to wave/**")
check("workflow_dispatch" in on, "GitHub: gate and merge on demand")
for name, job in gh["jobs"].items():
    for step in job["steps"]:
        if "run" in step:
            check(ok.match(step["run"].strip()), f"GitHub job {name} runs {step['run']!r}")
            print(f"gh-{name}\t{step['run'].strip()}")
check(gh["jobs"]["gate-and-merge"]["permissions"]["contents"] == "write", "GitHub: the merge pushes")
uploads = [s["with"]["path"] for j in gh["jobs"].values() for s in j["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
check(any("gate.json" in p and "gate.xml" in p for p in uploads), "GitHub: gate.json and gate.xml uploaded")
check(gl["variables"]["GIT_DEPTH"] == "0", "GitLab: a full clone")
for name in ("wave-audit", "wave-gate-and-merge"):
    for line in gl[name]["script"]:
        check(ok.match(line.strip()), f"GitLab job {name} runs {line!r}")
        print(f"gl-{name}\t{line.strip()}")
check(gl["wave-audit"]["artifacts"]["reports"]["junit"] == "audit.xml", "GitLab: audit.xml as a JUnit report")
check(gl["wave-gate-and-merge"]["artifacts"]["reports"]["junit"] == "gate.xml", "GitLab: gate.xml as a JUnit report")
check(any(r.get("when") == "manual" for r in gl["wave-gate-and-merge"]["rules"]), "GitLab: the merge is manual")
PY
  { test_case "the workflow files are valid YAML and run only ci/wave-ci.sh"; fail "$(cat "$TEST_DIR/yaml-err")"; }

# job NAME: runs job NAME's commands, in order, in the current directory, as
# the runner does; stops at the first that fails, with its exit code.
job() {
  local cmd
  while IFS=$'\t' read -r j cmd; do
    [ "$j" = "$1" ] || continue
    on_runner ${JOB_ENV[@]+"${JOB_ENV[@]}"} bash -c "$cmd" || return $?
  done <"$TEST_DIR/commands"
}

test_case "the workflow files are valid YAML and run only ci/wave-ci.sh"
expect_eq "$(cut -f1 "$TEST_DIR/commands" | sort -u | tr '\n' ' ')" \
  "gh-audit gh-gate-and-merge gl-wave-audit gl-wave-gate-and-merge " "the jobs found"

test_case "GitHub's audit job in a fresh clone: an agent's owned work passes"
fresh_clone "$TEST_DIR/gh-a"
git -C "$TEST_DIR/gh-a" checkout -q wave/demo/a # actions/checkout: the pushed branch
cd "$TEST_DIR/gh-a"
JOB_ENV=(GITHUB_REF_NAME=wave/demo/a)
run job gh-audit
cd "$TEST_DIR"
expect_rc 0
expect_out "audit wave/demo/a: ok 1 path changed since its base"
expect_eq "$(xml gh-a/audit.xml 'count(//testcase)')" 1
expect_eq "$(xml gh-a/audit.xml 'count(//failure)')" 0
expect_eq "$(xml gh-a/audit.xml 'string(//testsuites/@tests)')" 1

test_case "GitLab's audit job: a foreign file fails it, naming the path, its commit and its owner"
fresh_clone "$TEST_DIR/gl-b"
git -C "$TEST_DIR/gl-b" checkout -q --detach origin/wave/demo/b # GitLab: a detached HEAD
cd "$TEST_DIR/gl-b"
JOB_ENV=(CI_COMMIT_REF_NAME=wave/demo/b)
run job gl-wave-audit
cd "$TEST_DIR"
expect_rc 1
expect_out "audit wave/demo/b: FAIL agent 'b' of run 'demo' may not change this path"
expect_out "'a/stolen.txt' is owned by 'a' (commit $STOLEN)"
expect_out "hint: 'b' owns b/**"
expect_no_out $'\033'
expect_eq "$(xml gl-b/audit.xml 'count(//testcase)')" 1
expect_eq "$(xml gl-b/audit.xml 'count(//failure)')" 1
expect_eq "$(xml gl-b/audit.xml 'string(//failure/@message)')" "agent 'b' of run 'demo' may not change this path"
xml gl-b/audit.xml 'string(//failure)' | grep -qF "'a/stolen.txt' is owned by 'a' (commit $STOLEN)" ||
  fail "audit.xml lacks the finding: $(cat gl-b/audit.xml)"
[ -z "$(git -C gl-b status --porcelain --untracked-files=no)" ] || fail "the audit changed the clone"

test_case "audit without the run's state: exit 128, saying how to fetch it"
rm -rf "$TEST_DIR/bare-clone"
on_runner git clone -q "file://$SERVER" "$TEST_DIR/bare-clone"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit --junit "$TEST_DIR/none.xml" wave/demo/b
expect_rc 128
expect_err "error: no run 'demo' here (no refs/wave/demo/state)"
expect_err "hint: fetch the runs' state: git fetch origin 'refs/wave/*:refs/wave/*'"
[ ! -e "$TEST_DIR/none.xml" ] || fail "a report was written for an audit that did not run"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit
expect_rc 128
expect_err "error: 'main' is not an agent branch"
git -C "$TEST_DIR/bare-clone" checkout -q --detach
run on_runner git -C "$TEST_DIR/bare-clone" wave audit
expect_rc 128
expect_err "error: HEAD is detached: name the branch to audit"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit --remote origin --junit "$TEST_DIR/no-dir/a.xml" wave/demo/a
expect_rc 128
expect_err "no folder '$TEST_DIR/no-dir'"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit --remote origin wave/demo/a wave/demo/nobody
expect_rc 128
expect_err "error: 'origin' has no branch 'wave/demo/nobody'"
[ -z "$(git -C "$TEST_DIR/bare-clone" for-each-ref refs/wave)" ] || fail "audit fetched before it refused"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit --remote origin wave/other/a
expect_rc 128
expect_err "error: 'origin' has no run 'other' (no refs/wave/other/state)"
run on_runner git -C "$TEST_DIR/bare-clone" wave audit --remote origin --json wave/demo/a wave/demo/b
expect_rc 1
expect_eq "$(jq -r '[.result, (.branches[] | .agent + ":" + .result + ":" + (.violations | length | tostring))] | join(" ")' "$TEST_DIR/out")" \
  "fail a:pass:0 b:fail:1"

test_case "wave-ci.sh: usage errors are 129, install finds git wave on PATH"
run on_runner bash "$TEST_DIR/gh-a/ci/wave-ci.sh" audit
expect_rc 129
expect_err "wave-ci: which branch?"
run on_runner bash "$TEST_DIR/gh-a/ci/wave-ci.sh" deploy
expect_rc 129
expect_err "usage: wave-ci.sh (install | audit [<branch>] | gate-and-merge)"
run on_runner bash "$TEST_DIR/gh-a/ci/wave-ci.sh" install
expect_rc 0
expect_out "wave-ci: git-wave version"

test_case "CI=true: no colour and no redrawn lines, even on a terminal"
if command -v script >/dev/null; then
  # script(1) gives the command a terminal; TERM says it can colour.
  on_runner env TERM=xterm CI= script -qec "git -C '$TEST_DIR/gl-b' wave audit wave/demo/b" /dev/null >"$TEST_DIR/tty-out" || true
  grep -q $'\033\\[' "$TEST_DIR/tty-out" || fail "no colour on a terminal without CI: $(cat -v "$TEST_DIR/tty-out")"
  on_runner env TERM=xterm script -qec "git -C '$TEST_DIR/gl-b' wave audit wave/demo/b" /dev/null >"$TEST_DIR/tty-out" || true
  grep -qF "FAIL agent 'b'" "$TEST_DIR/tty-out" || fail "no output: $(cat -v "$TEST_DIR/tty-out")"
  ! grep -q $'\033' "$TEST_DIR/tty-out" || fail "colour with CI=true: $(cat -v "$TEST_DIR/tty-out")"
else
  echo "# script(1) is not installed: skipped"
fi

# Agent b puts the foreign file back as it was at its base (absent): the
# gate takes that as the way out, and so does the audit.
git -C "$(wt b)" rm -q a/stolen.txt
git -C "$(wt b)" commit -q -m "b: not mine after all"
git -C "$REPO" push -q origin wave/demo/b

test_case "a foreign file put back as at the base passes, and is noted"
cd "$TEST_DIR/gl-b"
git fetch -q origin && git checkout -q --detach origin/wave/demo/b
run job gl-wave-audit
cd "$TEST_DIR"
expect_rc 0
expect_out "note: 'b' changes 'a/stolen.txt' is owned by 'a' (commit $STOLEN), then puts it back as at the base: accepted"
expect_eq "$(xml gl-b/audit.xml 'count(//failure)')" 0
xml gl-b/audit.xml 'string(//system-out)' | grep -qF "puts it back as at the base: accepted" ||
  fail "audit.xml does not note the restore: $(cat gl-b/audit.xml)"

# gate_in_clone DIR: a fresh CI clone that gates the wave locally (the run's
# state and the agents' branches fetched by hand), with the JUnit report.
gate_in_clone() {
  fresh_clone "$1"
  on_runner git -C "$1" fetch -q origin 'refs/wave/*:refs/wave/*' 'refs/heads/wave/*:refs/heads/wave/*'
  run on_runner git -C "$1" wave gate --json --junit "$1/gate.xml"
}

test_case "gate --junit in a CI clone, the identity from the environment only"
gate_in_clone "$TEST_DIR/gate-env"
expect_rc 0
expect_eq "$(jq -r .result "$TEST_DIR/out")" pass
G=$TEST_DIR/gate-env/gate.xml
expect_eq "$(xml "$G" 'count(//testsuite)')" 1
# Both agents' audits, the candidate, the checkout and the plan's gate command.
expect_eq "$(xml "$G" 'count(//testcase)')" 5
expect_eq "$(xml "$G" 'count(//failure)')" 0
expect_eq "$(xml "$G" 'string(//testcase[@name="gate: sh gate.sh"]/@classname)')" "wave.demo.1"
xml "$G" 'string(//testcase[@name="audit b"]/system-out)' | grep -qF "'a/stolen.txt' is owned by 'a' (commit $STOLEN), restored to its content at the base: accepted" ||
  fail "gate.xml: audit b does not say what it accepted: $(cat "$G")"
expect_eq "$(xml "$G" 'string(//testcase[@name="candidate"]/system-out)' | sed -n 's/^candidate //p')" \
  "$(jq -r .candidate "$TEST_DIR/out")"
expect_eq "$(git -C "$TEST_DIR/gate-env" log -1 --format='%an <%ae>|%cn <%ce>' refs/wave/demo/state)" \
  "CI Bot <ci@example.com>|CI Bot <ci@example.com>"
[ -z "$(ls -A "$CI_HOME")" ] || fail "the runner's HOME was written to: $(ls -A "$CI_HOME")"

test_case "CI=true: gate prints a line per step, no line redrawn in place, even on a terminal"
if command -v script >/dev/null; then
  on_runner env TERM=xterm CI= script -qec "git -C '$TEST_DIR/gate-env' wave gate" /dev/null >"$TEST_DIR/tty-out" || true
  grep -q $'\033' "$TEST_DIR/tty-out" || fail "no live view on a terminal without CI: $(cat -v "$TEST_DIR/tty-out")"
  on_runner env TERM=xterm script -qec "git -C '$TEST_DIR/gate-env' wave gate" /dev/null >"$TEST_DIR/tty-out" || true
  grep -qF "gate wave 1: pass" "$TEST_DIR/tty-out" || fail "the gate did not pass: $(cat -v "$TEST_DIR/tty-out")"
  ! grep -q $'\033' "$TEST_DIR/tty-out" || fail "escape sequences with CI=true: $(cat -v "$TEST_DIR/tty-out")"
else
  echo "# script(1) is not installed: skipped"
fi

test_case "no identity at all: audit works, gate stops before any command, saying what to set"
# user.useConfigOnly: git guesses no user@host either, whatever the machine.
IDENTITY=(GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.useConfigOnly GIT_CONFIG_VALUE_0=true)
cd "$TEST_DIR/gl-b"
run job gl-wave-audit
cd "$TEST_DIR"
expect_rc 0
gate_in_clone "$TEST_DIR/gate-none"
expect_rc 128
expect_err "error: cannot commit: no author identity"
expect_err "GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL"
[ ! -e "$TEST_DIR/gate-none/gate.xml" ] || fail "a report was written for a gate that did not run"
expect_eq "$(git -C "$TEST_DIR/gate-none" rev-parse refs/wave/demo/state)" "$(git -C "$SERVER" rev-parse refs/wave/demo/state)" \
  "the run's state"
IDENTITY=(GIT_AUTHOR_NAME="CI Bot" GIT_AUTHOR_EMAIL="ci@example.com"
  GIT_COMMITTER_NAME="CI Bot" GIT_COMMITTER_EMAIL="ci@example.com")

test_case "a failing gate's report: the failing step with its log's tail, the culprit"
work a a/gate-breaker "x"
git -C "$REPO" push -q origin wave/demo/a
gate_in_clone "$TEST_DIR/gate-fail"
expect_rc 1
G=$TEST_DIR/gate-fail/gate.xml
step='//testcase[@name="gate: sh gate.sh"]'
expect_eq "$(xml "$G" "string($step/failure/@message)")" "exit 3"
xml "$G" "string($step/failure)" >"$TEST_DIR/tail"
grep -qF "gate: <ok> & done" "$TEST_DIR/tail" || fail "the failure lacks the log's tail: $(cat "$TEST_DIR/tail")"
grep -qF "broken by a/gate-breaker" "$TEST_DIR/tail" || fail "the failure lacks the log's tail: $(cat "$TEST_DIR/tail")"
expect_eq "$(xml "$G" 'string(//testcase[@name="culprit search"]/failure/@message)')" "culprit: a"
expect_eq "$(xml "$G" 'string(//testsuites/@failures)')" "$(xml "$G" 'count(//failure)')"
git -C "$(wt a)" rm -q a/gate-breaker
git -C "$(wt a)" commit -q -m "a: unbreak"
git -C "$REPO" push -q origin wave/demo/a

test_case "audit --remote audits the branch as the remote has it, not a stale local one"
run on_runner git -C "$TEST_DIR/gh-a" wave audit --remote origin --json wave/demo/a
expect_rc 0
expect_eq "$(jq -r '.branches[0] | .ref + " " + .tip' "$TEST_DIR/out")" \
  "refs/remotes/origin/wave/demo/a $(git -C "$SERVER" rev-parse wave/demo/a)"
[ "$(git -C "$TEST_DIR/gh-a" rev-parse wave/demo/a)" != "$(git -C "$SERVER" rev-parse wave/demo/a)" ] ||
  fail "the local branch was expected to be behind"

test_case "GitHub's gate-and-merge job: gate.json, gate.xml, the wave landed on the server"
if git wave gate -h | grep -q -- --remote; then
  fresh_clone "$TEST_DIR/gh-gate"
  cd "$TEST_DIR/gh-gate"
  JOB_ENV=()
  run job gh-gate-and-merge
  cd "$TEST_DIR"
  expect_rc 0
  expect_eq "$(jq -r .result gh-gate/gate.json)" pass
  expect_eq "$(xml gh-gate/gate.xml 'count(//failure)')" 0
  candidate=$(jq -r .candidate gh-gate/gate.json)
  expect_eq "$(git -C "$SERVER" rev-parse main)" "$candidate"
else
  echo "# git wave gate has no --remote yet: skipped"
fi
