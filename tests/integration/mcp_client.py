"""A small MCP client over stdio for the tests of `git wave mcp` (t075x).

    from mcp_client import Client
    c = Client(["git", "wave", "mcp"], cwd=repo, stderr_file=f"{test_dir}/mcp.err")
    c.initialize()
    r = c.call("status", {})

Every wait has a deadline that fails loudly, naming what it waited for."""
import json
import os
import queue
import subprocess
import sys
import threading

DEADLINE = float(os.environ.get("WAVE_MCP_DEADLINE", "120"))


class Failure(Exception):
    pass


class Client:
    def __init__(self, argv, cwd, stderr_file, env=None):
        with open(stderr_file, "ab") as err:
            self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err)
        self.inbox = queue.Queue()
        self.notifications = []
        self.responses = {}  # id -> response, all that came
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.inbox.put(json.loads(line))
        self.inbox.put(None)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        self.send_raw((json.dumps(message) + "\n").encode())

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def start(self, method, params=None):
        """Sends a request; returns its id."""
        rid = self.next_id
        self.next_id += 1
        m = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        return rid

    def wait(self, rid, what=None):
        """The response to request `rid` (a batch's answer: rid is 'batch')."""
        while rid not in self.responses:
            try:
                m = self.inbox.get(timeout=DEADLINE)
            except queue.Empty:
                raise Failure(f"no answer to {what or rid} within {DEADLINE} s")
            if m is None:
                raise Failure(f"the server closed its output before answering {what or rid}")
            self.take(m)
        return self.responses.pop(rid)

    def take(self, m):
        if isinstance(m, list):
            self.responses["batch"] = m
        elif "id" in m and "method" not in m:
            self.responses[m["id"]] = m
        else:
            self.notifications.append(m)

    def request(self, method, params=None):
        return self.wait(self.start(method, params), method)

    def result(self, method, params=None):
        r = self.request(method, params)
        if "error" in r:
            raise Failure(f"{method} failed: {json.dumps(r['error'])}")
        return r["result"]

    def initialize(self, version="2025-11-25"):
        r = self.result("initialize", {"protocolVersion": version, "capabilities": {},
                                       "clientInfo": {"name": "t-mcp", "version": "1"}})
        self.notify("notifications/initialized")
        return r

    def call(self, tool, arguments=None, meta=None):
        params = {"name": tool, "arguments": arguments or {}}
        if meta:
            params["_meta"] = meta
        return self.result("tools/call", params)

    def close(self):
        """Closes the server's input; returns its exit code and the messages that came meanwhile."""
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=DEADLINE)
        while True:
            m = self.inbox.get(timeout=DEADLINE)
            if m is None:
                break
            self.take(m)
        return rc


def check(cond, what):
    if not cond:
        raise Failure(what)


def ok(result, what):
    """A tool result that is not an error; returns its structuredContent."""
    if result.get("isError"):
        raise Failure(f"{what}: tool error: {result['content'][0]['text']}")
    return result.get("structuredContent")


def main(body):
    """Runs `body()`, turning a Failure into a message and exit 1."""
    try:
        body()
    except Failure as e:
        print(f"not ok - {e}", file=sys.stderr)
        sys.exit(1)
