#!/usr/bin/env bash
# git wave mcp driven over a pipe, as an agent's MCP client does: every tool
# called on a scratch repository (a wave started, gated, merged; one
# repaired and aborted; one run in the background, its events told), the
# resources read, errors as tool errors carrying the CLI's message and
# hint, protocol errors answered and survived, a cancelled call's command
# stopped, two clients at once.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (.ci/setup installs it)"

REPO=$TEST_DIR/repo
new_repo "$REPO"
cat >"$REPO/wave.toml" <<'TOML'
name = "demo"
worktrees = "../wt/{agent}"
[gate]
commands = ["sh gate.sh"]
[run]
timeout = "5m"
retries = 0
[[agent]]
name = "a"
task = "Write a's work"
owns = ["a/**"]
[[agent]]
name = "b"
task = "Write b's work"
owns = ["b/**"]
[[agent]]
name = "c"
task = "Write c's work"
after = ["a"]
owns = ["c/**"]
launch = "while [ ! -e \"$T_GO\" ]; do sleep 0.05; done; mkdir -p c && echo 'work of c' >c/work.txt && echo 'c says hi'"
TOML
# The gate blocks (its pid written) while $T_BLOCK exists: for the
# cancellation case.
cat >"$REPO/gate.sh" <<'SH'
if [ -n "${T_BLOCK:-}" ] && [ -e "$T_BLOCK" ]; then echo $$ >"$T_PID"; exec sleep 600; fi
echo "gate ok"
SH
git -C "$REPO" add wave.toml gate.sh
git -C "$REPO" commit -q -m "plan"
export T_BLOCK=$TEST_DIR/block T_PID=$TEST_DIR/gate.pid
# c's launch waits for $T_GO: its run is still running until the test says.
export T_GO=$TEST_DIR/go

test_case "every tool, the resources and the errors over one MCP session"
python3 - "$SOURCE_DIR/tests/integration" "$REPO" "$TEST_DIR" <<'PY' || fail "the MCP session failed; server's stderr in $TEST_DIR/mcp.err"
import json, os, subprocess, sys
sys.path.insert(0, sys.argv[1])
from mcp_client import Client, check, ok, main
repo, tdir = sys.argv[2], sys.argv[3]

def git(*args, cwd=repo):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

def work(agent, path, text, commit=True):
    wt = f"{tdir}/wt/{agent}"
    os.makedirs(os.path.dirname(f"{wt}/{path}"), exist_ok=True)
    with open(f"{wt}/{path}", "w") as f:
        f.write(text + "\n")
    if commit:
        git("add", "-A", cwd=wt)
        git("commit", "-q", "--no-verify", "-m", f"{agent}: {path}", cwd=wt)

def failed(result, what, message):
    check(result.get("isError") is True, f"{what}: not a tool error: {json.dumps(result)[:400]}")
    text = result["content"][0]["text"]
    check(message in text, f"{what}: '{message}' not in {text!r}")
    return result["structuredContent"]

def body():
    c = Client(["git", "wave", "mcp"], cwd=repo, stderr_file=f"{tdir}/mcp.err")
    init = c.initialize()
    check(init["protocolVersion"] == "2025-11-25", f"initialize: {init}")
    names = [t["name"] for t in c.result("tools/list")["tools"]]
    check(names == ["plan", "owner", "status", "brief", "start", "gate", "merge", "abort", "repair", "run",
                    "report", "logs"], f"tools: {names}")

    # plan, owner, brief before any run
    p = ok(c.call("plan"), "plan")
    check(p["valid"] and [w["agents"] for w in p["waves"]] == [["a", "b"], ["c"]], f"plan: {p}")
    o = ok(c.call("owner", {"paths": ["a/x.txt", "c/y.txt"]}), "owner")
    check([x["owners"] for x in o["paths"]] == [["a"], ["c"]], f"owner: {o}")
    b = ok(c.call("brief", {"agent": "c", "plan": "wave.toml"}), "brief")
    check("Write c's work" in b["brief"], f"brief: {b}")
    failed(c.call("status"), "status before start", "error: no run has started")

    # wave 1 by hand: start, work, status, gate, merge
    s = ok(c.call("start"), "start")
    check(s["run"] == "demo", f"start: {s}")
    work("a", "a/work.txt", "work of a")
    work("b", "b/work.txt", "work of b")
    s = ok(c.call("status", {"run": "demo"}, meta={"progressToken": "p-1"}), "status")
    progress = [n["params"] for n in c.notifications if n["method"] == "notifications/progress"]
    check([p["progressToken"] for p in progress] == ["p-1", "p-1"] and progress[-1]["progress"] == 1,
          f"progress of status: {progress}")
    check(json.dumps(s).count('"ahead"') >= 0 and s["run"] == "demo", f"status: {s}")
    g = ok(c.call("gate", {"bisect": 0}), "gate")
    check(g["result"] == "pass", f"gate: {g}")
    m = ok(c.call("merge"), "merge")
    check(git("show", "main:a/work.txt") == "work of a", "wave 1 did not land")
    again = ok(c.call("merge"), "merge again")
    check(again["already_merged"], f"merge again: {again}")
    failed(c.call("repair", {"agent": "zz"}), "repair of no agent", "error: ")

    # wave 2 by hand: c touches a's file; gate refuses, repair drops it, abort
    ok(c.call("start"), "start wave 2")
    work("c", "c/work.txt", "work of c")
    work("c", "a/stolen.txt", "not c's")
    g = failed(c.call("gate"), "gate of a foreign change", "git wave gate: failed (exit 1)")
    check(g["result"] == "fail", f"gate: {g}")
    r = ok(c.call("repair", {"agent": "c"}), "repair")
    check("a/stolen.txt" not in git("ls-tree", "-r", "--name-only", "wave/demo/c"), "repair kept a/stolen.txt")
    ok(c.call("abort"), "abort")
    check(subprocess.run(["git", "rev-parse", "-q", "--verify", "wave/demo/c"], cwd=repo,
                         capture_output=True).returncode != 0, "abort left c's branch")

    # wave 2 by run, in the background; its events as notifications
    launched = ok(c.call("run", {"one_wave": True}), "run")
    check(launched["command"] == ["run", "--json", "--one-wave"], f"run: {launched}")
    failed(c.call("run"), "a second run", "error: a run launched by this server is still running")
    open(os.environ["T_GO"], "w").close()
    done = ok(c.call("run", {"since": 0, "wait": True}), "run since 0")
    kinds = [e["event"] for e in done["events"]]
    check(not done["running"] and done["exit_code"] == 0, f"run: {done}")
    check("launched" in kinds and "merged" in kinds, f"events: {kinds}")
    later = ok(c.call("run", {"since": done["next"]}), "run since next")
    check(later["events"] == [], f"run since next: {later}")
    told = [n["params"]["data"]["event"] for n in c.notifications
            if n["method"] == "notifications/message" and n["params"]["logger"] == "git-wave.run"]
    check(told[:len(kinds)] == kinds and told[-1] == "ended", f"notifications: {told} against {kinds}")
    check(git("show", "main:c/work.txt") == "work of c", "wave 2 did not land")

    # logs and report of that run
    lg = ok(c.call("logs", {"agent": "c"}), "logs")
    check("c says hi" in lg["log"], f"logs: {lg}")
    ok(c.call("logs", {"agent": "c", "list": True}), "logs list")
    failed(c.call("logs", {"agent": "a"}), "logs of an agent run never launched", "hint: ")
    rep = ok(c.call("report"), "report")
    check(rep["run"] == "demo", f"report: {rep}")

    # resources
    uris = [r["uri"] for r in c.result("resources/list")["resources"]]
    check(uris == ["git-wave://plan", "git-wave://status", "git-wave://report", "git-wave://report.svg",
                   "git-wave://logs/a", "git-wave://logs/b", "git-wave://logs/c"], f"resources: {uris}")
    for uri in ["git-wave://plan", "git-wave://status", "git-wave://report"]:
        json.loads(c.result("resources/read", {"uri": uri})["contents"][0]["text"])
    svg = c.result("resources/read", {"uri": "git-wave://report.svg"})["contents"][0]
    check(svg["mimeType"] == "image/svg+xml" and "<svg" in svg["text"], f"svg: {svg['text'][:200]}")
    logc = c.result("resources/read", {"uri": "git-wave://logs/c"})["contents"][0]["text"]
    check("c says hi" in logc, f"log resource: {logc}")
    e = c.request("resources/read", {"uri": "git-wave://logs/a"})
    check(e["error"]["code"] == -32002 and e["error"]["data"]["hints"], f"unreadable resource: {e}")
    e = c.request("resources/read", {"uri": "file:///etc/passwd"})
    check(e["error"]["code"] == -32002, f"foreign resource: {e}")

    # protocol errors: each answered, none fatal
    c.send_raw(b"{not json\n")
    c.send_raw(b"x" * (5 << 20) + b"\n")
    c.send_raw(b'{"jsonrpc":"2.0","id":"n","method":"no/such"}\n')
    c.send_raw(b'{"jsonrpc":"2.0","method":"notifications/whatever"}\n')
    errors = [c.wait(None, "the parse error")["error"]["code"], c.wait(None, "the oversized error")["error"]["code"],
              c.wait("n", "the unknown method")["error"]["code"]]
    check(errors == [-32700, -32600, -32601], f"protocol errors: {errors}")
    e = c.request("tools/call", {"name": "rm", "arguments": {}})
    check(e["error"]["code"] == -32602, f"unknown tool: {e}")
    bad = failed(c.call("gate", {"bisect": "all"}), "bad argument", "'bisect' must be an integer")
    check(bad["hints"], f"bad argument: {bad}")
    failed(c.call("brief", {}), "missing argument", "'brief' needs the argument 'agent'")
    failed(c.call("plan", {"plan": "nowhere.toml"}), "a plan that is not there",
           "error: cannot read plan 'nowhere.toml'")
    check(c.result("logging/setLevel", {"level": "error"}) == {}, "setLevel")
    check(c.result("ping") == {}, "ping")
    check(c.close() == 0, "the server did not exit 0 at the end of its input")

main(body)
PY

test_case "a cancelled call's command is stopped and not answered; two clients at once"
REPO2=$TEST_DIR/repo2
new_repo "$REPO2"
cat >"$REPO2/wave.toml" <<'TOML'
name = "two"
worktrees = "../wt2/{agent}"
[gate]
commands = ["sh gate.sh"]
[[agent]]
name = "d"
owns = ["d/**"]
TOML
cp "$REPO/gate.sh" "$REPO2/gate.sh"
git -C "$REPO2" add wave.toml gate.sh
git -C "$REPO2" commit -q -m "plan"
python3 - "$SOURCE_DIR/tests/integration" "$REPO2" "$TEST_DIR" <<'PY' || fail "the MCP session failed; server's stderr in $TEST_DIR/mcp.err"
import json, os, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from mcp_client import Client, Failure, check, ok, main, DEADLINE
repo, tdir = sys.argv[2], sys.argv[3]

def git(*args, cwd=repo):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

def until(cond, what):
    end = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > end:
            raise Failure(f"waited {DEADLINE} s for {what}")
        time.sleep(0.05)

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False

def body():
    c = Client(["git", "wave", "mcp"], cwd=repo, stderr_file=f"{tdir}/mcp.err")
    c.initialize()
    ok(c.call("start"), "start")
    os.makedirs(f"{tdir}/wt2/d/d", exist_ok=True)
    with open(f"{tdir}/wt2/d/d/work.txt", "w") as f:
        f.write("work of d\n")
    git("add", "-A", cwd=f"{tdir}/wt2/d")
    git("commit", "-q", "-m", "d", cwd=f"{tdir}/wt2/d")

    open(os.environ["T_BLOCK"], "w").close()
    gate = c.start("tools/call", {"name": "gate", "arguments": {"bisect": 0}})
    until(lambda: os.path.exists(os.environ["T_PID"]) and open(os.environ["T_PID"]).read().strip(),
          "the gate to start")
    pid = int(open(os.environ["T_PID"]).read())
    c.notify("notifications/cancelled", {"requestId": gate, "reason": "the test"})
    until(lambda: not alive(pid), f"the cancelled gate's command (pid {pid}) to be stopped")
    check(c.result("ping") == {}, "ping after the cancel")
    os.remove(os.environ["T_BLOCK"])

    # Two clients land the gated wave at once: exactly one does.
    ok(c.call("gate", {"bisect": 0}), "gate again, unblocked")
    other = Client(["git", "wave", "mcp"], cwd=repo, stderr_file=f"{tdir}/mcp.err")
    other.initialize()
    ids = (c.start("tools/call", {"name": "merge", "arguments": {}}),
           other.start("tools/call", {"name": "merge", "arguments": {}}))
    results = [c.wait(ids[0], "merge of client 1")["result"], other.wait(ids[1], "merge of client 2")["result"]]
    # Whichever comes second is refused while the first holds the run lock
    # (a tool error saying so), or finds the wave merged: exactly one lands.
    landed = [r for r in results if not r["isError"] and not r["structuredContent"].get("already_merged")]
    check(len(landed) == 1, f"two merges: {json.dumps(results)[:800]}")
    for r in results:
        check(not r["isError"] or "error: " in r["content"][0]["text"], f"a refused merge says why: {r}")
    check(git("rev-list", "--count", "--merges", "main") == "1", "the wave was merged twice")
    check(git("show", "main:d/work.txt") == "work of d", "the wave did not land")
    check(other.close() == 0 and c.close() == 0, "a server did not exit 0")
    check(gate not in c.responses, f"the cancelled call was answered: {c.responses.get(gate)}")

main(body)
PY
