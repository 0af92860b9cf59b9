#!/usr/bin/env bash
# --json of git wave plan and git wave owner: parsed with python3 and checked
# against the shape their man pages document: every documented key present
# with its documented type, no key the page does not document, and every key
# named in the page's JSON section.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (.ci/setup installs it)"

# check_json SHAPE MANPAGE [valid|invalid]: checks the JSON document in
# $TEST_DIR/out against SHAPE (plan or owner) and its man page. For plan,
# `valid` requires the settings a valid plan has to be non-null.
check_json() {
  python3 - "$1" "$2" "${3:-}" "$TEST_DIR/out" <<'PY' || fail "JSON of $1 does not match $(basename "$2"); output kept in $TEST_DIR/out"
import json, re, sys

shape_name, man_page, mode, out_file = sys.argv[1:5]

STR, INT, NUM, BOOL = 'string', 'integer', 'number', 'boolean'
def null(t): return ('null', t)
def enum(*v): return ('enum', list(v))
def lst(t): return ('list', t)
def obj(**fields): return ('object', fields)

# The shapes as git-wave-plan(1) and git-wave-owner(1) document them.
PLAN = obj(
    file=STR, valid=BOOL, split=BOOL,
    name=null(STR), base=null(STR), max_parallel=null(INT),
    overlap=null(enum('error', 'split')), merge=null(enum('merge', 'squash')),
    protected=lst(STR),
    gate=null(obj(commands=lst(STR), timeout_ms=INT)),
    waves=lst(obj(label=STR, level=INT, agents=lst(STR),
                  split=enum('none', 'exclusive', 'overlap'),
                  overlaps=lst(obj(agent=STR, other=STR, pattern=STR, other_pattern=STR, witness=STR)))),
    agents=lst(obj(name=STR, task=STR, title=STR, wave=STR, level=INT, after=lst(STR), owns=lst(STR),
                   read_only=BOOL, exclusive=BOOL, pin=null(INT), gate=lst(STR),
                   estimate_ms=null(INT), cost=NUM, critical=BOOL)),
    critical_path=lst(STR),
    cost=null(obj(unit=enum('task', 'ms'), sequential=NUM, parallel=NUM, critical_path=NUM, eager=NUM)),
    speedup=null(NUM),
    eager_speedup=null(NUM),
    diagnostics=lst(obj(severity=enum('error', 'warning', 'note'), file=STR, line=null(INT),
                        column=null(INT), message=STR, hint=null(STR))),
)
OWNER = lst(obj(path=STR, owners=lst(STR), protected=BOOL))
shape = {'plan': PLAN, 'owner': OWNER}[shape_name]

errors = []

def kind(v):
    if v is None: return 'null'
    if isinstance(v, bool): return BOOL
    if isinstance(v, int): return INT
    if isinstance(v, float): return NUM
    if isinstance(v, str): return STR
    if isinstance(v, list): return 'list'
    return 'object'

def check(v, t, where):
    if isinstance(t, str):
        k = kind(v)
        if not (k == t or (t == NUM and k == INT)):
            errors.append(f'{where}: expected {t}, got {json.dumps(v)}')
    elif t[0] == 'null':
        if v is not None:
            check(v, t[1], where)
    elif t[0] == 'enum':
        if v not in t[1]:
            errors.append(f'{where}: expected one of {t[1]}, got {json.dumps(v)}')
    elif t[0] == 'list':
        if not isinstance(v, list):
            errors.append(f'{where}: expected an array, got {json.dumps(v)}')
        else:
            for i, item in enumerate(v):
                check(item, t[1], f'{where}[{i}]')
    elif t[0] == 'object':
        if not isinstance(v, dict):
            errors.append(f'{where}: expected an object, got {json.dumps(v)}')
            return
        for key, sub in t[1].items():
            if key not in v:
                errors.append(f'{where}: no "{key}"')
            else:
                check(v[key], sub, f'{where}.{key}')
        for key in v:
            if key not in t[1]:
                errors.append(f'{where}: "{key}" is not documented')

def keys(t, acc):
    if isinstance(t, tuple):
        if t[0] == 'object':
            for key, sub in t[1].items():
                acc.add(key)
                keys(sub, acc)
        elif t[0] in ('null', 'list'):
            keys(t[1], acc)
    return acc

raw = open(out_file, 'rb').read()
try:
    doc = json.loads(raw.decode('utf-8'))
except (UnicodeDecodeError, ValueError) as e:
    sys.exit(f'not JSON in UTF-8: {e}')
check(doc, shape, '$')

if shape_name == 'plan' and mode == 'valid':
    if doc.get('valid') is not True:
        errors.append('$.valid: expected true')
    for key in ('name', 'max_parallel', 'overlap', 'merge', 'gate', 'cost', 'speedup', 'eager_speedup'):
        if doc.get(key) is None:
            errors.append(f'$.{key}: null in a valid plan')
    labels = [w.get('label') for w in doc.get('waves', [])]
    names = [a.get('name') for a in doc.get('agents', [])]
    for a in doc.get('agents', []):
        if a.get('wave') not in labels:
            errors.append(f'agent {a.get("name")}: wave {a.get("wave")!r} is not a wave label')
    for w in doc.get('waves', []):
        for n in w.get('agents', []):
            if n not in names:
                errors.append(f'wave {w.get("label")}: agent {n!r} is not an agent')
    for n in doc.get('critical_path', []):
        if n not in names:
            errors.append(f'critical_path: {n!r} is not an agent')
if shape_name == 'plan' and mode == 'invalid':
    if doc.get('valid') is not False:
        errors.append('$.valid: expected false')
    if not any(d.get('severity') == 'error' for d in doc.get('diagnostics', [])):
        errors.append('$.diagnostics: no error in an invalid plan')

# Every key of the shape is named in the man page's JSON section.
try:
    page = open(man_page, encoding='utf-8').read()
except OSError as e:
    sys.exit(f'cannot read the man page: {e}')
m = re.search(r'^\.SH\s+"?JSON"?\s*$(.*?)(?=^\.SH|\Z)', page, re.M | re.S)
if not m:
    errors.append(f'{man_page}: no JSON section')
else:
    text = re.sub(r'\\f(\[[^\]]*\]|\(..|.)', '', m.group(1)).replace('\\-', '-')
    for key in sorted(keys(shape, set())):
        if not re.search(r'(?<![A-Za-z0-9_])' + re.escape(key) + r'(?![A-Za-z0-9_])', text):
            errors.append(f'{man_page}: the JSON section does not name "{key}"')

for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

PLAN_PAGE=$SOURCE_DIR/man/git-wave-plan.1
OWNER_PAGE=$SOURCE_DIR/man/git-wave-owner.1

# A plan using every feature the JSON shows: estimates, a pin, an exclusive
# agent, a read-only reviewer, agent gates, overlapping agents run as
# sub-waves, a gate, protected paths, and a lint (a wave wider than max_parallel).
new_repo repo
cat >repo/wave.toml <<'TOML'
name = "json-demo"
base = "main"
max_parallel = 1
overlap = "split"
merge = "squash"
protected = ["wave.toml", ".github/**"]

[gate]
commands = ["make", "make test"]
timeout = "15m"

[[agent]]
name = "schema"
task = "Extend the schema"
owns = ["src/schema/**"]
estimate = "10m"

[[agent]]
name = "tests"
task = "Test the schema"
owns = ["tests/**"]

[[agent]]
name = "hooks"
task = "Add hooks"
after = ["schema"]
owns = ["src/hooks/**", "src/shared.c"]
gate = ["make test-hooks"]
estimate = "20m"

[[agent]]
name = "review"
task = "Add review checks"
after = ["schema"]
owns = ["src/review/**", "src/shared.c"]

[[agent]]
name = "migrate"
task = "Migrate the data"
after = ["schema"]
owns = ["db/**"]
exclusive = true
estimate = "5m"

[[agent]]
name = "docs"
task = "Document it"
after = ["hooks"]
wave = 4
owns = ["docs/**"]

[[agent]]
name = "reviewer"
task = "Review everything"
after = ["docs"]
TOML
cd repo

test_case "plan --json of a valid plan has the documented shape"
run git wave plan --json
expect_rc 0
check_json plan "$PLAN_PAGE" valid
# The features show up where the page says.
python3 - "$TEST_DIR/out" <<'PY' || fail "plan --json values: $(cat "$TEST_DIR/out")"
import json, sys
d = json.load(open(sys.argv[1]))
a = {x['name']: x for x in d['agents']}
assert d['name'] == 'json-demo' and d['base'] == 'main' and d['merge'] == 'squash', d
assert d['gate'] == {'commands': ['make', 'make test'], 'timeout_ms': 900000}, d['gate']
assert a['docs']['pin'] == 4 and a['hooks']['estimate_ms'] == 1200000, a
assert a['reviewer']['read_only'] is True and a['migrate']['exclusive'] is True, a
assert a['hooks']['gate'] == ['make test-hooks'], a['hooks']
assert d['cost']['unit'] == 'ms' and d['split'] is True, d['cost']
splits = {w['split'] for w in d['waves']}
assert {'overlap', 'exclusive'} <= splits, d['waves']
assert any(w['overlaps'] for w in d['waves']), d['waves']
assert any(x['severity'] == 'warning' for x in d['diagnostics']), d['diagnostics']
PY

test_case "plan --json without a base gives null, as documented"
grep -v '^base' wave.toml >../nobase.toml
run git wave plan --json --plan ../nobase.toml
expect_rc 0
check_json plan "$PLAN_PAGE" valid
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["base"] is not None)' "$TEST_DIR/out" ||
  fail "base is not null"

test_case "plan --json of an invalid plan: same keys, nulls and empty arrays"
printf 'name = "x"\n[[agent]]\nname = "a"\nafter = ["nobody"]\n' >../invalid.toml
run git wave plan --json --plan ../invalid.toml
expect_rc 128
check_json plan "$PLAN_PAGE" invalid
printf 'name = \n' >../syntax.toml
run git wave plan --json --plan ../syntax.toml
expect_rc 128
check_json plan "$PLAN_PAGE" invalid
# Overlapping agents without split: parsed, but not schedulable.
grep -v '^overlap' wave.toml >../overlap.toml
run git wave plan --json --plan ../overlap.toml
expect_rc 128
check_json plan "$PLAN_PAGE" invalid

test_case "plan --json is the same with --color=always and --format=json"
run git wave plan --json
cp "$TEST_DIR/out" ../plain.json
run git wave plan --json --color=always
expect_rc 0
cmp -s "$TEST_DIR/out" ../plain.json || fail "--color=always changed the JSON"
run git wave plan --format=json
cmp -s "$TEST_DIR/out" ../plain.json || fail "--format=json differs from --json"

test_case "owner --json has the documented shape"
run git wave owner --json src/hooks/x.c src/shared.c wave.toml .github/ci.yml README.md
expect_rc 1
check_json owner "$OWNER_PAGE"
python3 - "$TEST_DIR/out" <<'PY' || fail "owner --json values: $(cat "$TEST_DIR/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [x['path'] for x in d] == ['src/hooks/x.c', 'src/shared.c', 'wave.toml', '.github/ci.yml', 'README.md'], d
assert d[1]['owners'] == ['hooks', 'review'], d[1]
assert d[2] == {'path': 'wave.toml', 'owners': [], 'protected': True}, d[2]
assert d[4]['owners'] == [] and d[4]['protected'] is False, d[4]
PY

test_case "owner --json --stdin, with a path that is not UTF-8"
printf 'src/schema/a.json\ndocs/caf\351.md\n' >../paths
run git wave owner --json --stdin <../paths
expect_rc 0
check_json owner "$OWNER_PAGE"
