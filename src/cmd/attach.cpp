// git wave attach: the tmux window of an agent that git wave run --tmux runs.
#include "cmd/commands.hpp"

#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "runner/tmux.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace wave::cmd {

int attach(const cli::Args& args) {
  cli::Parser parser("attach", "git wave attach [--run <name>] <agent>",
                     "Show the tmux window an agent runs in under 'git wave run --tmux', to watch it or step "
                     "in; from inside tmux, switch to it. Detach with the tmux prefix key, then d.");
  std::string agent;
  std::string run_option;
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.run(run_option);
  parser.parse(args);

  cli::WaveContext ctx = cli::load_wave(run_option, "");
  if (const auto missing = flow::tmux_missing(); missing && *missing == "tmux") {
    throw Error("tmux is not installed", exit_code::fatal, {"install it (Debian: apt-get install tmux)"});
  }
  const std::string session = flow::tmux_session(ctx.run_name());
  const auto pane = flow::tmux_pane_of(session, agent);
  if (!pane) {
    throw Error(fmt::format("agent '{}' has no window in tmux session '{}'", agent, session), exit_code::fatal,
                {"'git wave run --tmux' runs each agent in a window there; 'git wave logs <agent>' shows the "
                 "output of an attempt run without it"});
  }
  std::vector<std::string> argv = {"tmux", "select-window", "-t", *pane, ";"};
  const char* inside = std::getenv("TMUX");
  const bool in_tmux = inside != nullptr && *inside != '\0';
  if (!in_tmux && (::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0)) {
    // tmux would say "open terminal failed: not a terminal".
    throw Error(
        "'git wave attach' needs a terminal", exit_code::fatal,
        {fmt::format("run 'tmux attach -t {}' from a terminal (window '{}'), or 'git wave logs {}' to "
                     "read its output",
                     session, agent, agent)});
  }
  if (in_tmux) {
    argv.insert(argv.end(), {"switch-client", "-t", *pane});
  } else {
    argv.insert(argv.end(), {"attach-session", "-t", *pane});
  }
  std::vector<char*> raw;
  for (auto& a : argv) {
    raw.push_back(a.data());
  }
  raw.push_back(nullptr);
  std::fflush(stdout);
  ::execvp("tmux", raw.data());
  throw Error(fmt::format("cannot run tmux: {}", std::strerror(errno)));
}

} // namespace wave::cmd
