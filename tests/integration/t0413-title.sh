#!/usr/bin/env bash
# Merge commit subjects (issue 10, item 13): an agent's `title`, else its
# task's first line shortened on a word boundary; the body keeps the task,
# and a squash keeps the agent's own commit messages.
. "$(dirname "$0")/lib.sh"
. "$SOURCE_DIR/tests/integration/gate_lib.sh"

plan() {
  cat <<EOT
name = "demo"
merge = "$1"

[[agent]]
name = "long"
task = """Extend the configuration schema with typed event hooks, their validation and the migration of every old configuration file.
Keep the old keys working for one release."""
owns = ["long/**"]

[[agent]]
name = "titled"
title = "Event hooks"
task = "Add the event hook system, with a registry and a dispatcher, and document it"
owns = ["titled/**"]
EOT
}

test_case "merge: subjects are the titles, short; bodies hold the task"
make_repo merge "$(plan merge)"
start_wave
work long long/a.txt "a"
work titled titled/b.txt "b"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
expect_eq "$(git -C "$REPO" log --format=%s main -2 | tr '\n' '|')" \
  "Merge wave 1 agent 'titled': Event hooks|Merge wave 1 agent 'long': Extend the configuration schema with typed event hooks...|"
git -C "$REPO" log -1 --format=%b main~1 | grep -qF "Keep the old keys working for one release." ||
  fail "the task is not in the body: $(git -C "$REPO" log -1 --format=%B main~1)"

test_case "squash: the title as subject, the task and the agent's commit messages in the body"
make_repo squash "$(plan squash)"
start_wave
dir=$(wt titled)
mkdir -p "$dir/titled"
echo one >"$dir/titled/one.txt"
git -C "$dir" add -A
git -C "$dir" commit -q -m "titled: registry" -m "With a lookup by name."
echo two >"$dir/titled/two.txt"
git -C "$dir" add -A
git -C "$dir" commit -q -m "titled: dispatcher"
run git -C "$REPO" wave gate
expect_rc 0
run git -C "$REPO" wave merge
expect_rc 0
msg=$(git -C "$REPO" log -1 --format=%B main)
expect_eq "$(head -1 <<<"$msg")" "Event hooks"
for line in "Add the event hook system, with a registry and a dispatcher, and document it" \
  "Commits of wave/demo/titled:" "* titled: registry" "  With a lookup by name." "* titled: dispatcher" \
  "Wave-Agent: titled"; do
  grep -qxF -- "$line" <<<"$msg" || fail "the squash message lacks '$line': $msg"
done

test_case "plan: a title is shown in --json, a bad one is a located error"
make_repo plans "$(plan merge)"
run git -C "$REPO" wave plan --json
expect_rc 0
expect_out '"title": "Event hooks"'
expect_out '"title": "Extend the configuration schema with typed event hooks..."'
printf 'name = "x"\n[[agent]]\nname = "a"\ntitle = "%s"\n' "$(printf 'y%.0s' $(seq 80))" >"$TEST_DIR/bad.toml"
run git -C "$REPO" wave plan --plan "$TEST_DIR/bad.toml"
expect_rc 128
expect_err ":4:"
expect_err "'title' is too long: 80 bytes, at most 72"
expect_err "hint:"
