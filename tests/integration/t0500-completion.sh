#!/usr/bin/env bash
# Shell completion: the lists the binary gives (git wave plan --list), bash
# completion driven through git's own completion script, and the zsh and fish
# scripts checked when those shells are installed.
. "$(dirname "$0")/lib.sh"

# skip_shell NAME: a shell that is not installed is skipped, unless
# WAVE_REQUIRE_TOOLS=1 (as .ci/run sets).
skip_shell() {
  [ "${WAVE_REQUIRE_TOOLS:-0}" != 1 ] || fail "$1 is not installed (WAVE_REQUIRE_TOOLS=1; .ci/setup installs it)"
  echo "# $1 is not installed: skipped"
}

GIT_COMPLETION=/usr/share/bash-completion/completions/git
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
WAVE_COMPLETION=$SOURCE_DIR/completions/git-wave.bash

# The repository the completions run in: a plan whose level 2 runs as two
# sub-waves (its agents overlap), tracked folders and an untracked file.
new_repo repo
cat >repo/wave.toml <<'TOML'
name = "demo"
protected = ["wave.toml"]
overlap = "split"

[[agent]]
name = "config-schema"
task = "Extend the config schema"
owns = ["src/config/**"]

[[agent]]
name = "event-hooks"
task = "Add event hooks"
after = ["config-schema"]
owns = ["src/hooks/**", "src/shared.c"]

[[agent]]
name = "review"
task = "Add review checks"
after = ["config-schema"]
owns = ["src/review/**", "src/shared.c"]
TOML
commit_file repo src/config/schema.json '{}'
commit_file repo src/hooks/hooks.c 'int hooks;'
commit_file repo docs/guide.md 'guide'
printf 'scratch\n' >repo/scratch.txt
cd repo

# split_words LINE: sets COMP_WORDS as bash does for LINE with the cursor at
# its end: words split at blanks, and at '=' and ':' (COMP_WORDBREAKS), which
# become words of their own; a trailing blank starts an empty word.
split_words() {
  local w
  COMP_WORDS=()
  for w in $1; do
    while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
      [ -z "${BASH_REMATCH[1]}" ] || COMP_WORDS+=("${BASH_REMATCH[1]}")
      COMP_WORDS+=("${BASH_REMATCH[2]}")
      w=${BASH_REMATCH[3]}
    done
    [ -z "$w" ] || COMP_WORDS+=("$w")
  done
  if [[ $1 == *" " ]]; then
    COMP_WORDS+=("")
  fi
}

# complete_line LINE [SETUP]: the completions bash offers at the end of LINE,
# one per line, sorted, with the trailing space bash would insert. Runs in a
# subshell that loads git's completion and ours (or runs SETUP instead of
# loading ours) and enters git's completion the way bash does for `git`.
complete_line() {
  (
    set +eu
    . "$GIT_COMPLETION"
    if [ -n "${2:-}" ]; then
      eval "$2"
    else
      . "$WAVE_COMPLETION"
    fi
    split_words "$1"
    COMP_LINE=$1
    COMP_POINT=${#1}
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    __git_wrap__git_main
    if [ ${#COMPREPLY[@]} -gt 0 ]; then
      printf '%s\n' "${COMPREPLY[@]}" | sort
    fi
  )
}

# expect_completion LINE WORD...: bash offers exactly these words at the end of LINE.
expect_completion() {
  local line=$1
  shift
  local want got
  want=$(if [ $# -gt 0 ]; then printf '%s\n' "$@" | sort; fi)
  got=$(complete_line "$line")
  [ "$got" = "$want" ] || fail "completing '$line': expected [$(printf '%s' "$want" | tr '\n' '|')], got [$(printf '%s' "$got" | tr '\n' '|')]"
}

# The words bash should offer for a command's options: the helper's list,
# a space after those that take no value.
helper_options() {
  local o
  for o in $(git wave "$1" --git-completion-helper); do
    case $o in
    *=) printf '%s\n' "$o" ;;
    *) printf '%s \n' "$o" ;;
    esac
  done | sort
}

test_case "plan --list=agents prints the agent names in plan order"
run git wave plan --list=agents
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'config-schema\nevent-hooks\nreview')"
[ ! -s "$TEST_DIR/err" ] || fail "stderr not empty: $(cat "$TEST_DIR/err")"

test_case "plan --list=waves prints the wave labels in run order"
run git wave plan --list=waves
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf '1\n2a\n2b')"
cat >../linear.toml <<'TOML'
name = "linear"
[[agent]]
name = "a"
task = "first"
owns = ["a/**"]
[[agent]]
name = "b"
task = "second"
after = ["a"]
owns = ["b/**"]
TOML
run git wave plan --plan ../linear.toml --list=waves
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf '1\n2')"

test_case "plan --list is quiet and exits 128 when the plan is invalid"
# Without overlap = "split", the two agents of level 2 overlap on src/shared.c:
# invalid, unless --split.
grep -v '^overlap' wave.toml >../overlap.toml
run git wave plan --plan ../overlap.toml --list=waves
expect_rc 128
[ ! -s "$TEST_DIR/out" ] || fail "stdout not empty: $(cat "$TEST_DIR/out")"
[ ! -s "$TEST_DIR/err" ] || fail "stderr not empty: $(cat "$TEST_DIR/err")"
run git wave plan --plan ../overlap.toml --list=waves --split
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf '1\n2a\n2b')"
printf 'name = "x"\n[[agent]]\nname = "a"\nafter = ["nobody"]\n' >../broken.toml
run git wave plan --plan ../broken.toml --list=agents
expect_rc 128
[ ! -s "$TEST_DIR/out" ] || fail "stdout not empty: $(cat "$TEST_DIR/out")"
[ ! -s "$TEST_DIR/err" ] || fail "stderr not empty: $(cat "$TEST_DIR/err")"

test_case "plan --list is quiet and exits 128 when there is no plan"
run git wave plan --plan ../missing.toml --list=agents
expect_rc 128
[ ! -s "$TEST_DIR/out" ] || fail "stdout not empty: $(cat "$TEST_DIR/out")"
[ ! -s "$TEST_DIR/err" ] || fail "stderr not empty: $(cat "$TEST_DIR/err")"
run env GIT_CEILING_DIRECTORIES="$(dirname "$TEST_DIR")" git -C "$TEST_DIR" wave plan --list=agents
expect_rc 128
[ ! -s "$TEST_DIR/out" ] || fail "stdout not empty: $(cat "$TEST_DIR/out")"

test_case "plan --list works outside a repository with --plan"
run env GIT_CEILING_DIRECTORIES="$(dirname "$TEST_DIR")" git -C "$TEST_DIR" wave plan --plan linear.toml --list=agents
expect_rc 0
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'a\nb')"

test_case "plan --list rejects other values and output formats"
run git wave plan --list=branches
expect_rc 129
run git wave plan --list=agents --json
expect_rc 129
expect_err "--list cannot be combined with --json or --format"
run git wave plan --list=agents --format=dot
expect_rc 129

test_case "the option lists come from the binary"
run git wave plan --git-completion-helper
expect_rc 0
expect_out "--list="
expect_out "--format="
expect_out "--json"

test_case "bash: git wave <TAB> offers every command of the binary"
mapfile -t cmds < <(git wave --list-cmds | sed 's/$/ /')
[ ${#cmds[@]} -ge 3 ] || fail "too few commands: ${cmds[*]}"
expect_completion "git wave " "${cmds[@]}"
complete_line "git wave " | grep -qx "plan " || fail "'plan' not offered"
complete_line "git wave " | grep -qx "init " || fail "'init' not offered"

test_case "bash: git wave pl<TAB> completes to plan"
expect_completion "git wave pl" "plan "
expect_completion "git wave ow" "owner "

test_case "bash: git wave --<TAB> offers the main options"
expect_completion "git wave --v" "--version "

test_case "bash: git wave plan --<TAB> offers plan's options, from the binary"
mapfile -t opts < <(helper_options plan)
expect_completion "git wave plan --" "${opts[@]}"
complete_line "git wave plan --" | grep -qx -- "--list=" || fail "'--list=' not offered"
complete_line "git wave plan --" | grep -qx -- "--json " || fail "'--json ' not offered"
expect_completion "git wave plan --fo" "--format="
expect_completion "git wave owner --st" "--stdin "

test_case "bash: option values of plan"
expect_completion "git wave plan --format=" "dot " "json " "mermaid " "text "
expect_completion "git wave plan --format=m" "mermaid "
expect_completion "git wave plan --format " "dot " "json " "mermaid " "text "
expect_completion "git wave plan --color=" "always " "auto " "never "
expect_completion "git wave plan --color=n" "never "
expect_completion "git wave plan --list=" "agents " "waves "

test_case "bash: --remote takes a remote's name"
git remote add origin https://example.com/x.git
git remote add upstream https://example.com/y.git
expect_completion "git wave gate --remote=" "origin " "upstream "
expect_completion "git wave merge --remote u" "upstream "

test_case "bash: --plan takes a file name"
expect_completion "git wave plan --plan=wav" "wave.toml"
expect_completion "git wave plan --plan wav" "wave.toml"

test_case "bash: git wave owner <TAB> offers paths, tracked or not"
expect_completion "git wave owner s" "scratch.txt" "src"
expect_completion "git wave owner src/" "src/config" "src/hooks"
expect_completion "git wave owner d" "docs"

test_case "bash: git wave prompt <TAB> offers the plan's agents"
expect_completion "git wave prompt " "config-schema " "event-hooks " "review "
expect_completion "git wave prompt ev" "event-hooks "
# prompt takes one agent: nothing more after it.
expect_completion "git wave prompt review "
# The agents of the plan named by --plan.
expect_completion "git wave prompt --plan ../linear.toml " "a " "b "
expect_completion "git wave prompt --plan=../linear.toml " "a " "b "

test_case "bash: git wave hook <TAB> offers its actions, once"
expect_completion "git wave hook " "edit " "install " "pre-commit " "pre-receive " "uninstall "
expect_completion "git wave hook un" "uninstall "
expect_completion "git wave hook install "

test_case "bash: --wave= offers the wave labels, --agent= the agents"
expect_completion "git wave start --wave=" "1 " "2a " "2b "
expect_completion "git wave start --wave=2" "2a " "2b "
expect_completion "git wave start --wave " "1 " "2a " "2b "
expect_completion "git wave start --plan=../linear.toml --wave=" "1 " "2 "
agent_cmd=""
for c in $(git wave --list-cmds); do
  if git wave "$c" --git-completion-helper | tr ' ' '\n' | grep -qx -- "--agent="; then
    agent_cmd=$c
    break
  fi
done
if [ -n "$agent_cmd" ]; then
  expect_completion "git wave $agent_cmd --agent=co" "config-schema "
fi

test_case "bash: no agents are offered when the plan is invalid"
expect_completion "git wave prompt --plan=../broken.toml "

test_case "bash: git's completion loads ours from bash-completion's directory"
[ -f "$BASH_COMPLETION" ] || fail "bash-completion is not installed ($BASH_COMPLETION); .ci/setup installs it"
run cmake --install "$GIT_WAVE_BUILD_DIR" --prefix "$TEST_DIR/prefix"
expect_rc 0
[ -f "$TEST_DIR/prefix/share/bash-completion/completions/git-wave" ] || fail "git-wave completion not installed"
loader=". '$BASH_COMPLETION'; XDG_DATA_DIRS='$TEST_DIR/prefix/share'"
got=$(complete_line "git wave pl" "$loader")
expect_eq "$got" "plan " "completion loaded from the installed file"
# Without the installed file there is nothing to load: no completion.
got=$(complete_line "git wave pl" ". '$BASH_COMPLETION'; XDG_DATA_DIRS='$TEST_DIR/nowhere'")
expect_eq "$got" "" "completion without the installed file"

test_case "bash: git-wave <TAB> under its own name completes the same way"
got=$(
  set +eu
  . "$BASH_COMPLETION"
  . "$WAVE_COMPLETION"
  complete -p git-wave >/dev/null || exit 1
  COMP_WORDS=(git-wave pl)
  COMP_CWORD=1 COMP_LINE="git-wave pl" COMP_POINT=11
  COMPREPLY=()
  __git_wrap_git_wave
  printf '%s\n' "${COMPREPLY[@]}"
)
expect_eq "$got" "plan " "git-wave pl<TAB>"

test_case "zsh: the completion function parses (when zsh is installed)"
if command -v zsh >/dev/null; then
  run zsh -n "$SOURCE_DIR/completions/_git-wave"
  expect_rc 0
  head -n 1 "$SOURCE_DIR/completions/_git-wave" | grep -qx '#compdef git-wave' || fail "_git-wave lacks '#compdef git-wave'"
else
  echo "# zsh is not installed: skipped"
fi

test_case "fish: the completions parse and complete (when fish is installed)"
if command -v fish >/dev/null; then
  run fish -n "$SOURCE_DIR/completions/git-wave.fish"
  expect_rc 0
  fish_complete() {
    fish --no-config -c "source '$SOURCE_DIR/completions/git-wave.fish'; complete -C '$1'" | cut -f1 | sort
  }
  expect_eq "$(fish_complete "git-wave pl")" "plan"
  expect_eq "$(fish_complete "git wave pl")" "plan"
  fish_complete "git-wave plan --" | grep -qx -- "--list=" || fail "fish: '--list=' not offered"
  expect_eq "$(fish_complete "git wave plan --format=d")" "--format=dot"
  expect_eq "$(fish_complete "git wave plan --color ")" "$(printf 'always\nauto\nnever')"
  expect_eq "$(fish_complete "git wave start --remote ")" "$(printf 'origin\nupstream')"
  expect_eq "$(fish_complete "git-wave owner sr")" "src/"
  expect_eq "$(fish_complete "git wave prompt ev")" "event-hooks"
  expect_eq "$(fish_complete "git wave hook ")" "$(printf 'edit\ninstall\npre-commit\npre-receive\nuninstall')"
else
  echo "# fish is not installed: skipped"
fi

test_case "bash: git wave commit <TAB> offers the agents not named yet"
expect_completion "git wave commit " "config-schema " "event-hooks " "review "
expect_completion "git wave commit review " "config-schema " "event-hooks "

test_case "git wave audit <TAB> offers the agent branches not named yet; --remote a remote, --junit a file"
git branch wave/demo/config-schema
git branch wave/demo/review
expect_completion "git wave audit " "wave/demo/config-schema " "wave/demo/review "
expect_completion "git wave audit wave/demo/review " "wave/demo/config-schema "
expect_completion "git wave audit --remote " "origin " "upstream "
expect_completion "git wave gate --junit=wav" "wave.toml"
if command -v fish >/dev/null; then
  expect_eq "$(fish_complete "git wave audit ")" "$(printf 'wave/demo/config-schema\nwave/demo/review')"
  expect_eq "$(fish_complete "git wave audit wave/demo/review ")" "wave/demo/config-schema"
  expect_eq "$(fish_complete "git wave audit --remote ")" "$(printf 'origin\nupstream')"
fi

# The installed completions, loaded by the real shells the way they load them
# on a user's machine: fish from XDG_DATA_DIRS, zsh from $fpath with compinit.
run cmake --install "$GIT_WAVE_BUILD_DIR" --prefix "$TEST_DIR/installed"
expect_rc 0
installed=$TEST_DIR/installed/share

test_case "fish: git wave <TAB> completes commands, from the installed files (fish 3.6 too)"
if command -v fish >/dev/null; then
  [ -f "$installed/fish/vendor_conf.d/git-wave.fish" ] || fail "the fish start-up snippet is not installed"
  fish_installed() {
    XDG_DATA_DIRS="$installed:/usr/share" fish -c "complete -C '$1'" | cut -f1 | sort
  }
  expect_eq "$(fish_installed "git wave ")" "$(git wave --list-cmds | sort)"
  expect_eq "$(fish_installed "git wave pl")" "plan"
  expect_eq "$(fish_installed "git -C . wave pl")" "plan"
  expect_eq "$(fish_installed "git wave prompt ")" "$(printf 'config-schema\nevent-hooks\nreview')"
  expect_eq "$(fish_installed "git wave plan --format=m")" "--format=mermaid"
  expect_eq "$(fish_installed "git-wave pl")" "plan"
  # git's own completion is still there.
  fish_installed "git sta" | grep -qx status || fail "fish: 'git sta' no longer offers status"
else
  skip_shell fish
fi

test_case "zsh: git wave <TAB> completes through _git, from the installed _git-wave"
if command -v zsh >/dev/null; then
  zsh_installed() {
    zsh -f "$SOURCE_DIR/tests/integration/zsh_complete.zsh" "$installed/zsh/vendor-completions" "$1"
  }
  expect_eq "$(zsh_installed "git wave ")" "$(git wave --list-cmds | sort)"
  expect_eq "$(zsh_installed "git wave pl")" "plan"
  expect_eq "$(zsh_installed "git wave prompt ")" "$(printf 'config-schema\nevent-hooks\nreview')"
  expect_eq "$(zsh_installed "git wave hook ")" "$(printf 'edit\ninstall\npre-commit\npre-receive\nuninstall')"
  expect_eq "$(zsh_installed "git wave audit ")" "$(printf 'wave/demo/config-schema\nwave/demo/review')"
  expect_eq "$(zsh_installed "git-wave pl")" "plan"
  expect_eq "$(zsh_installed "git wave merge --remote ")" "$(printf 'origin\nupstream')"
else
  skip_shell zsh
fi
