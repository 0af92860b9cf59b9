#!/usr/bin/env bash
# Manual pages: one per command, in git's section order, every option
# documented, the synopsis the same as `-h` shows, rendering without warnings,
# and `git help wave` opening them from an installed tree.
. "$(dirname "$0")/lib.sh"

MAN_DIR=$SOURCE_DIR/man

# roff PAGE WHAT: facts about a man page, as plain text (font escapes dropped,
# \- as -). WHAT: sections (one .SH name per line), synopsis (the lines of
# SYNOPSIS, blanks squeezed), section:NAME (the text of section NAME).
roff() {
  python3 - "$1" "$2" <<'PY'
import re, sys

path, what = sys.argv[1], sys.argv[2]

def plain(s):
    s = re.sub(r'\\f(\[[^\]]*\]|\(..|.)', '', s)
    s = s.replace('\\-', '-').replace('\\&', '').replace('\\e', '\\').replace('\\ ', ' ')
    s = re.sub(r'\\\(em', '--', s)
    return s

sections, current = [], None
body = {}
for line in open(path, encoding='utf-8').read().split('\n'):
    m = re.match(r'\.SH\s+"?([^"]*)"?\s*$', line)
    if m:
        current = m.group(1).strip()
        sections.append(current)
        body[current] = []
    elif current is not None:
        body[current].append(line)

if what == 'sections':
    print('\n'.join(sections))
elif what == 'synopsis':
    for line in body.get('SYNOPSIS', []):
        if line.startswith('.') or not line.strip():
            continue
        print(' '.join(plain(line).split()))
elif what.startswith('section:'):
    name = what[len('section:'):]
    print(plain('\n'.join(l for l in body.get(name, []) if not l.startswith('.\\"'))))
PY
}

# usage CMD: the synopsis lines `git wave CMD -h` ends with ("usage: ...",
# "   or: ..."), without those prefixes, blanks squeezed.
usage() {
  git wave "$1" -h | awk '
    /^usage: / { on = 1; sub(/^usage: /, ""); print; next }
    on && /^ *or: / { sub(/^ *or: /, ""); print; next }
    { on = 0 }' | tr -s ' '
}

# man-db's man (the one with --warnings), as Debian has it.
have_man_db() { command -v man >/dev/null && man --help 2>&1 | grep -q -- --warnings; }

mapfile -t commands < <(git wave --list-cmds)
[ ${#commands[@]} -ge 3 ] || fail "too few commands: ${commands[*]}"

test_case "every command has a man page"
missing=()
for cmd in "${commands[@]}"; do
  [ -f "$MAN_DIR/git-wave-$cmd.1" ] || missing+=("man/git-wave-$cmd.1")
done
[ ${#missing[@]} -eq 0 ] || fail "missing: ${missing[*]}"

test_case "the pages have git's sections in git's order"
required=(NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO")
for page in "$MAN_DIR/git-wave.1" "${commands[@]/#/$MAN_DIR/git-wave-}"; do
  page=${page%.1}.1
  [ -f "$page" ] || continue
  mapfile -t have < <(roff "$page" sections)
  # The required sections, in the order the page has them.
  order=()
  for s in "${have[@]}"; do
    for r in "${required[@]}"; do
      [ "$s" != "$r" ] || order+=("$s")
    done
  done
  [ "$(printf '%s|' "${order[@]}")" = "$(printf '%s|' "${required[@]}")" ] ||
    fail "$(basename "$page"): sections are [$(printf '%s|' "${have[@]}")], need $(printf '%s|' "${required[@]}") in that order"
  head -n 1 "$page" | grep -q '^\.TH ' || fail "$(basename "$page"): no .TH line first"
done

test_case "every long option of a command is documented in its OPTIONS"
for cmd in "${commands[@]}"; do
  page=$MAN_DIR/git-wave-$cmd.1
  [ -f "$page" ] || fail "man/git-wave-$cmd.1 is missing"
  options=$(roff "$page" section:OPTIONS)
  for opt in $(git wave "$cmd" --git-completion-helper); do
    opt=${opt%=}
    [ "$opt" != --help ] || continue
    grep -qE -- "(^|[^a-z0-9-])$opt([^a-z0-9-]|$)" <<<"$options" ||
      fail "man/git-wave-$cmd.1 does not document $opt in OPTIONS"
  done
done

test_case "the synopsis of -h is the man page's SYNOPSIS"
for cmd in "${commands[@]}"; do
  page=$MAN_DIR/git-wave-$cmd.1
  [ -f "$page" ] || fail "man/git-wave-$cmd.1 is missing"
  want=$(roff "$page" synopsis)
  got=$(usage "$cmd")
  [ -n "$got" ] || fail "git wave $cmd -h shows no usage line"
  [ "$got" = "$want" ] || fail "git wave $cmd: -h says
$got
but man/git-wave-$cmd.1 says
$want"
done
want=$(roff "$MAN_DIR/git-wave.1" synopsis)
got=$(git wave -h | sed -n 's/^usage: //p')
expect_eq "$got" "$want" "git wave -h against git-wave.1"

test_case "git-wave(1) lists every command"
commands_section=$(roff "$MAN_DIR/git-wave.1" section:COMMANDS)
for cmd in "${commands[@]}"; do
  grep -qF "git-wave-$cmd(1)" <<<"$commands_section" || fail "git-wave.1 COMMANDS lacks git-wave-$cmd(1)"
done

test_case "every page renders without warnings"
if have_man_db; then
  for page in "$MAN_DIR"/*.[1-9]; do
    run env MANWIDTH=80 man --warnings -l "$page"
    expect_rc 0
    [ ! -s "$TEST_DIR/err" ] || fail "$(basename "$page"): $(cat "$TEST_DIR/err")"
    [ -s "$TEST_DIR/out" ] || fail "$(basename "$page") renders as nothing"
  done
else
  echo "# man-db is not installed: skipped"
fi

test_case "git help wave opens git-wave(1) from an installed tree"
if have_man_db; then
  run cmake --install "$GIT_WAVE_BUILD_DIR" --prefix "$TEST_DIR/prefix"
  expect_rc 0
  # Installed compressed (gzip -9n, as Debian policy asks): PAGE.gz.
  for page in "$MAN_DIR"/*.1 "$MAN_DIR"/*.5; do
    name=$(basename "$page")
    installed=$TEST_DIR/prefix/share/man/man${name##*.}/$name.gz
    [ -f "$installed" ] || fail "$name.gz not installed"
    cmp -s "$page" <(gzip -dc "$installed") || fail "$name.gz is not $name"
  done
  export MANPATH=$TEST_DIR/prefix/share/man GIT_PAGER=cat MANPAGER=cat PAGER=cat MANWIDTH=80
  run git help -m wave
  expect_rc 0
  expect_out "GIT-WAVE(1)"
  expect_out "run many coding agents on one repository"
  # git turns `git wave --help` into `git help wave`.
  run git wave --help
  expect_rc 0
  expect_out "GIT-WAVE(1)"
  # A command's own page, by its name.
  run man git-wave-init
  expect_rc 0
  expect_out "GIT-WAVE-INIT(1)"
  run man 5 gitwave-plan
  expect_rc 0
  expect_out "GITWAVE-PLAN(5)"
  unset MANPATH
else
  echo "# man-db is not installed: skipped"
fi
