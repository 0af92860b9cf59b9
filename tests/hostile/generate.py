#!/usr/bin/env python3
"""Writes the corpus of hostile plans (issue 10) into a directory.

Usage: generate.py OUT_DIR [--no-large]

Deterministic: the same files every run. Each plan is one mistake, one
hostile value or one hostile size; tests/integration/t0103-hostile-plans.sh
runs `git wave plan --plan FILE` over all of them and checks that each is
answered (exit 0 or 128) with a located message, a hint, and no raw
control character. bench/plan_hostile.sh times the large ones.
--no-large leaves out the few plans of several megabytes.
"""
import os
import random
import sys

OUT = sys.argv[1]
LARGE = "--no-large" not in sys.argv
os.makedirs(OUT, exist_ok=True)
count = 0

AGENT = '[[agent]]\nname = "a"\ntask = "t"\nowns = ["src/a/**"]\n'


def write(name, text):
    global count
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    with open(os.path.join(OUT, name + ".toml"), "wb") as f:
        f.write(data)
    count += 1


def toml_escape(s):
    """s as the inside of a TOML basic string, control characters as \\u escapes."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0x80 <= ord(ch) < 0xA0:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


# --- 1. names that become refs: run name, agent name, base, after entries
BAD_NAMES = [chr(c) for c in range(0, 0x20)] + ["\x7f", "\x85", "\x9b"]
BAD_NAMES = ["r" + c + "x" for c in BAD_NAMES] + [
    "", " ", "a b", "a..b", "a@{1}", "@{-1}", "@", "x.lock", "a/.b", ".a", "a.", "-x", "--help", "HEAD",
    "a~1", "a^", "a:b", "a?b", "a*b", "a[b", "a\\b", "a/b", "/a", "a/", "a//b", "\u00e9t\u00e9",
    "x" * 300, "k" * 100000, "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "a\u202eb",
]
for i, n in enumerate(BAD_NAMES):
    e = toml_escape(n)
    write("name-run-%03d" % i, 'name = "%s"\n%s' % (e, AGENT))
    write("name-agent-%03d" % i, 'name = "r"\n[[agent]]\nname = "%s"\ntask = "t"\nowns = ["x"]\n' % e)
    write("name-base-%03d" % i, 'name = "r"\nbase = "%s"\n%s' % (e, AGENT))
    write("name-after-%03d" % i, 'name = "r"\n%s[[agent]]\nname = "b"\nowns = ["y"]\nafter = ["%s"]\n' % (AGENT, e))

# --- 2. control characters in strings that become paths or commands
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b"]
SLOTS = {
    "worktrees": lambda v: 'name = "r"\nworktrees = "../wt/{agent}%s"\n%s' % (v, AGENT),
    "setup": lambda v: 'name = "r"\nsetup = ["npm ci%s"]\n%s' % (v, AGENT),
    "copy": lambda v: 'name = "r"\ncopy = [".env%s"]\n%s' % (v, AGENT),
    "gate": lambda v: 'name = "r"\n[gate]\ncommands = ["make%stest"]\n%s' % (v, AGENT),
    "agent-gate": lambda v: 'name = "r"\n%sgate = ["make%s"]\n' % (AGENT, v),
    "agent-setup": lambda v: 'name = "r"\n%ssetup = ["x%s"]\n' % (AGENT, v),
    "agent-copy": lambda v: 'name = "r"\n%scopy = ["x%s"]\n' % (AGENT, v),
    "owns": lambda v: 'name = "r"\n[[agent]]\nname = "a"\nowns = ["src/%s/**"]\n' % v,
    "protected": lambda v: 'name = "r"\nprotected = ["w%s"]\n%s' % (v, AGENT),
    "task": lambda v: 'name = "r"\n[[agent]]\nname = "a"\ntask = "t%s"\nowns = ["x"]\n' % v,
}
for slot, make in SLOTS.items():
    for i, c in enumerate(CONTROLS):
        write("control-%s-%02d" % (slot, i), make(toml_escape(c)))

# --- 3. numbers and durations out of range
NUMBERS = ["0", "-1", "2147483647", "2147483648", "9223372036854775807", "-9223372036854775808", "1000001",
           "1.5", '"3"', "true", "1e9", "0x7fffffff"]
for i, n in enumerate(NUMBERS):
    write("number-wave-%02d" % i, 'name = "r"\n%s[[agent]]\nname = "b"\nowns = ["b"]\nafter = ["a"]\nwave = %s\n'
          % (AGENT, n))
    write("number-max-parallel-%02d" % i, 'name = "r"\nmax_parallel = %s\n%s' % (n, AGENT))
DURATIONS = ["0s", "-1s", "", "1x", "h", "1000h1ms", "99999999999999999999h", "9223372036854775807ms",
             "1h" * 2000, "1" * 5000 + "h", "1.5h", " 1h", "1h ", "1H", "\u0661h"]
for i, d in enumerate(DURATIONS):
    write("duration-estimate-%02d" % i, 'name = "r"\n%sestimate = "%s"\n' % (AGENT, toml_escape(d)))
    write("duration-timeout-%02d" % i, 'name = "r"\n[gate]\ntimeout = "%s"\n%s' % (toml_escape(d), AGENT))

# --- 4. patterns: syntax, bounds, complexity
PATTERNS = ["", "/abs", "../x", "a/../b", "a//b", ".", "./", "./src/**", "src/.", "src/./a", "[", "[a", "[]",
            "[!]", "[[:foo:]]", "[[:alpha:]", "a\\", "\\", "*" * 33, "*/" * 40, "?" * 300, "a" * 4097,
            "*" + "a" * 300, "[a-" + "z" * 300, "**/" * 3000, "*a" * 5000, "\u00e9/*", "\u00ff[\u0080-\u00ff]",
            "[\\]]", "**/**/**/**", "a*" * 16, "*a" * 16]
for i, p in enumerate(PATTERNS):
    write("pattern-owns-%02d" % i, 'name = "r"\n[[agent]]\nname = "a"\nowns = ["%s"]\n' % toml_escape(p))
    write("pattern-protected-%02d" % i, 'name = "r"\nprotected = ["%s"]\n%s' % (toml_escape(p), AGENT))
PAIRS = [("*a" * 5000, "a*" * 5000), ("**/" * 3000, "*/" * 3000), ("*a" * 16, "a*" * 16),
         ("*a" * 16 + "b", "a*" * 16 + "b"), ("**/" * 10 + "x", "*/" * 10 + "x"), ("**/*.md", "**/*.c"),
         ("src/**", "src/a/b/c.c"), ("[a-m]*/**", "[n-z]*/**"), ("?" * 30, "*" * 30),
         ("**/" * 30 + "*", "*/" * 30 + "*")]
for i, (a, b) in enumerate(PAIRS):
    write("pattern-pair-%02d" % i, 'name = "r"\n[[agent]]\nname = "a"\nowns = ["%s"]\n[[agent]]\nname = "b"\nowns = ["%s"]\n'
          % (toml_escape(a), toml_escape(b)))


# --- 5. sizes
def agents(n, owns, after=None, extra=""):
    parts = ['name = "r"\nmax_parallel = 1000000\n' + extra]
    for i in range(n):
        parts.append('[[agent]]\nname = "a%d"\ntask = "t"\nowns = ["%s"]\n' % (i, owns(i)))
        if after and after(i) is not None:
            parts.append('after = ["a%d"]\n' % after(i))
    return "".join(parts)


write("size-owners-x-1000", agents(1000, lambda i: "**/*.x%d" % i))
write("size-all-overlap-1000", agents(1000, lambda i: "**"))
write("size-dirs-2000", agents(2000, lambda i: "src/m%d/**" % i))
write("size-cycle-2000", agents(2000, lambda i: "f%d" % i, lambda i: (i + 1) % 2000))
write("size-unknown-after-2000", agents(2000, lambda i: "f%d" % i, lambda i: i + 5000))
# found by fuzz_plan: 953 unknown names, each compared with every agent for "did you mean"
write("size-unknown-after-950", agents(950, lambda i: "f%d" % i, lambda i: i + 5000))
write("size-split-overlap-300", agents(300, lambda i: "**", extra='overlap = "split"\n'))
write("size-after-list", 'name = "r"\n%s[[agent]]\nname = "b"\nowns = ["b"]\nafter = [%s]\n'
      % (AGENT, ", ".join('"a"' for _ in range(20000))))
write("size-unknown-keys", 'name = "r"\n' + "".join("k%d = 1\n" % i for i in range(5000)) + AGENT)
write("size-long-task", 'name = "r"\n[[agent]]\nname = "a"\ntask = "%s"\nowns = ["x"]\n' % ("t" * 1000000))
write("size-protected-1000", 'name = "r"\nprotected = [%s]\n' % ", ".join('"p%d/**"' % i for i in range(1000))
      + "".join('[[agent]]\nname = "a%d"\nowns = ["p%d/x", "q%d/**"]\n' % (i, i, i) for i in range(300)))
if LARGE:
    write("size-owners-x-10000", agents(10000, lambda i: "**/*.x%d" % i))
    write("size-chain-100000", agents(100000, lambda i: "f%d" % i, lambda i: i - 1 if i > 0 else None))

# --- 6. TOML structure
STRUCTURE = {
    "empty": "",
    "comment-only": "# nothing\n",
    "nested-arrays": "x = " + "[" * 300 + "]" * 300 + "\n",
    "nested-tables": "x = " + "{a=" * 300 + "1" + "}" * 300 + "\n",
    "agent-table": 'name = "r"\n[agent]\nname = "a"\n',
    "agent-string": 'name = "r"\nagent = "a"\n',
    "agent-strings": 'name = "r"\nagent = ["a"]\n',
    "gate-array": 'name = "r"\ngate = ["make"]\n' + AGENT,
    "agent-gate-table": 'name = "r"\n' + AGENT + "[agent.gate]\ncommands = []\n",
    "dup-key": 'name = "r"\nname = "s"\n' + AGENT,
    "dup-quoted-key": 'name = "r"\n"name" = "s"\n' + AGENT,
    "dup-literal-key": "name = 'r'\n'name' = 's'\n" + AGENT,
    "dup-table": 'name = "r"\n[gate]\n[gate]\n' + AGENT,
    "dup-dotted": 'name = "r"\na.b = 1\na.b = 2\n' + AGENT,
    "no-name": AGENT,
    "agent-no-name": 'name = "r"\n[[agent]]\ntask = "t"\n',
    "no-agents": 'name = "r"\n',
    "empty-agents": 'name = "r"\nagent = []\n',
    "bom": "\ufeffname = \"r\"\n" + AGENT,
    "crlf": ('name = "r"\n' + AGENT).replace("\n", "\r\n"),
    "lone-cr": 'name = "r"\r' + AGENT,
    "truncated": ('name = "r"\n' + AGENT)[:-7],
    "unterminated": 'name = "r\n' + AGENT,
    "esc-key": 'name = "r"\n"\\u001b]0;pwned\\u0007" = 1\n' + AGENT,
    "esc-bare-key": 'name = "r"\n\x1b = 1\n' + AGENT,
    "nul-in-string": 'name = "r\\u0000"\n' + AGENT,
    "huge-int": 'name = "r"\nmax_parallel = 99999999999999999999999\n' + AGENT,
    "float-nan": 'name = "r"\nmax_parallel = nan\n' + AGENT,
    "date": 'name = 1979-05-27\n' + AGENT,
    "long-key": 'name = "r"\n' + "k" * 1000000 + " = 1\n" + AGENT,
    "overlap-bad": 'name = "r"\noverlap = "\\u001b[31m"\n' + AGENT,
    "merge-bad": 'name = "r"\nmerge = "rebase"\n' + AGENT,
    "worktrees-inside": 'name = "r"\nworktrees = "wt/{agent}"\n' + AGENT,
    "worktrees-repo-inside": 'name = "r"\nworktrees = "{repo}/x/{agent}"\n' + AGENT,
    "worktrees-no-agent": 'name = "r"\nworktrees = "../{run}"\n' + AGENT,
    "worktrees-braces": 'name = "r"\nworktrees = "../{{agent}}"\n' + AGENT,
    "worktrees-long": 'name = "r"\nworktrees = "../%s/{agent}"\n' % ("{run}" * 10000) + AGENT,
    "three-mistakes": 'name = "r"\n[[agent]]\nname = "a"\nowns = ["src/**"]\n[[agent]]\nname = "b"\nowns = ["src/x/**"]\n'
                      'estimate = "forever"\n[[agent]]\nname = "c d"\nowns = ["./docs/**"]\n',
}
for name, text in STRUCTURE.items():
    write("toml-" + name, text)
write("toml-raw-nul", b'name = "r\x00x"\n' + AGENT.encode())
write("toml-invalid-utf8", b'name = "r\xff\xfe"\n' + AGENT.encode())
write("toml-raw-esc-in-string", b'name = "r\x1b[2Jx"\n' + AGENT.encode())
write("toml-overlong-utf8", b'name = "r\xc0\xafx"\n' + AGENT.encode())

# --- 7. random byte mutations of a valid plan
SEED_PLAN = '''name = "review-enforcement"
base = "main"
max_parallel = 6
protected = ["wave.toml", ".github/**"]
overlap = "split"
worktrees = "../wt/{run}/{agent}"
setup = ["npm ci"]
copy = [".env"]

[gate]
commands = ["make -j2", "make test"]
timeout = "20m"

[[agent]]
name = "config-schema"
task = "Extend config schema"
owns = ["src/config/**", "schema/*.json"]
estimate = "10m"

[[agent]]
name = "event-hooks"
task = "Add event hook system"
after = ["config-schema"]
owns = ["src/hooks/event_hooks.cpp", "tests/hooks/**"]
gate = ["make test-hooks"]
wave = 3
'''
write("valid-seed", SEED_PLAN)
rng = random.Random(10)
ALPHABET = b'"[]{}=,.\\*?/\n\x00\x1b\x7f\xff#\'-_aZ09 {}'
base = SEED_PLAN.encode()
for i in range(250):
    data = bytearray(base)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(3)
        at = rng.randrange(len(data))
        if op == 0:
            data[at] = rng.choice(ALPHABET)
        elif op == 1:
            data[at:at] = bytes([rng.choice(ALPHABET)]) * rng.choice([1, 1, 2, 50])
        elif len(data) > 1:
            del data[at:at + rng.randint(1, 8)]
    write("mutant-%03d" % i, bytes(data))

print("%d plans in %s" % (count, OUT))
