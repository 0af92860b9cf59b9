# A server and machines for the tests of runs beyond one machine (t08xx):
# source after lib.sh and gate_lib.sh. What it gives:
#
#   SERVER                  the bare repository every machine pushes to
#                           ($TEST_DIR/server.git)
#   make_server             creates $SERVER with git wave's pre-receive hook
#   make_lead PLAN [GATE]   the lead's repository ($TEST_DIR/lead, also $REPO
#                           and $LEAD) holding PLAN (and gate.sh, as make_repo
#                           writes it), with $SERVER as 'origin' and main
#                           pushed there
#   push_run [OPTION...]    pushes the lead's run refs and agent branches to
#                           origin in one atomic push
#   serve_run PLAN          all of the above: server, lead, `git wave start`,
#                           run pushed
#   as_machine NAME CMD...  runs CMD on machine NAME: its own HOME (so its own
#                           global git config), $TEST_DIR/home-NAME
#   as_worker NAME CMD...   the same, committing as "worker NAME
#                           <NAME@example.com>" (claims name their committer)
#   machine_clone NAME [URL] clones URL (default: $SERVER) as machine NAME
#                           into $TEST_DIR/NAME
#   hold_state_pushes       the server holds every push that moves a run's
#                           state while $TEST_DIR/hold exists (a pre-receive
#                           hook chained before git wave's), leaving
#                           $TEST_DIR/held.<pid> for each; with
#                           $TEST_DIR/refuse, it then refuses the push
#   until_held N            waits until the server holds N pushes
#   release_pushes          lets them go on
#   start_daemon            serves $TEST_DIR over git daemon on 127.0.0.1
#                           (pushes allowed) and sets DAEMON_URL (git://...,
#                           so $DAEMON_URL/server.git is $SERVER); it is
#                           stopped when the test exits, or by stop_daemon

SERVER="$TEST_DIR/server.git"

make_server() {
  git init -q --bare "$SERVER"
  git -C "$SERVER" wave hook install >/dev/null
}

make_lead() {
  make_repo lead "$@"
  git -C "$REPO" remote add origin "file://$SERVER"
  git -C "$REPO" push -q origin main
  LEAD=$REPO
}

push_run() {
  git -C "$LEAD" push "$@" --atomic origin 'refs/wave/*:refs/wave/*' 'refs/heads/wave/*:refs/heads/wave/*'
}

serve_run() {
  make_server
  make_lead "$1"
  start_wave
  push_run -q
}

as_machine() {
  local name=$1
  shift
  mkdir -p "$TEST_DIR/home-$name"
  HOME="$TEST_DIR/home-$name" XDG_CONFIG_HOME="$TEST_DIR/home-$name/.config" "$@"
}

as_worker() {
  local name=$1
  shift
  GIT_COMMITTER_NAME="worker $name" GIT_COMMITTER_EMAIL="$name@example.com" as_machine "$name" "$@"
}

machine_clone() {
  as_machine "$1" git clone -q "${2:-file://$SERVER}" "$TEST_DIR/$1"
}

hold_state_pushes() {
  cat >"$SERVER/hooks/pre-receive.wave-chained" <<SH
#!/bin/sh
if [ -e "$TEST_DIR/hold" ] && grep -q ' refs/wave/[^/]*/state\$'; then
  : >"$TEST_DIR/held.\$\$"
  while [ -e "$TEST_DIR/hold" ]; do sleep 0.05; done
  [ ! -e "$TEST_DIR/refuse" ] || { echo "error: refused by the test" >&2; exit 1; }
fi
exit 0
SH
  chmod +x "$SERVER/hooks/pre-receive.wave-chained"
  : >"$TEST_DIR/hold"
}

until_held() {
  wait_for "the server to hold $1 pushes" "[ \"\$(find \"\$TEST_DIR\" -maxdepth 1 -name 'held.*' | wc -l)\" -ge $1 ]"
}

release_pushes() { rm -f "$TEST_DIR/hold" "$TEST_DIR"/held.*; }

DAEMON_URL=""
start_daemon() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  git daemon --listen=127.0.0.1 --port="$port" --base-path="$TEST_DIR" --export-all --enable=receive-pack \
    --reuseaddr --pid-file="$TEST_DIR/daemon.pid" --detach "$TEST_DIR"
  DAEMON_URL="git://127.0.0.1:$port"
  # finish (lib.sh) reads the test's exit status from $?: keep it for it.
  trap 'rc=$?; stop_daemon; (exit "$rc"); finish' EXIT
  wait_for "git daemon to answer on $DAEMON_URL" 'git ls-remote "$DAEMON_URL/server.git" >/dev/null'

}

stop_daemon() {
  [ -f "$TEST_DIR/daemon.pid" ] || return 0
  kill "$(cat "$TEST_DIR/daemon.pid")" 2>/dev/null || true
  rm -f "$TEST_DIR/daemon.pid"
}
