#include "cli/app.hpp"

#include "cli/term.hpp"
#include "cmd/commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "git/handle.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <iostream>

namespace wave::cli {

namespace {

constexpr std::array table{
    Command{"init", "Write a starter plan (wave.toml) and install the pre-commit hook", &cmd::init},
    Command{"plan", "Validate a plan and show its waves, critical path and overlaps", &cmd::plan},
    Command{"owner", "Show which agent owns each path", &cmd::owner},
    Command{"start", "Start the next wave: a branch and a worktree per agent", &cmd::start},
    Command{"status", "Show the run: waves, agents, commits, changes, violations, gate, hook", &cmd::status},
    Command{"prompt", "Print an agent's brief: task, files it owns, files it must not touch", &cmd::prompt},
    Command{"commit", "Commit agents' uncommitted work on their branches after an ownership check",
            &cmd::commit},
    Command{"gate", "Check a wave: ownership audit, agents' gates, the plan's gate on the merged candidate",
            &cmd::gate},
    Command{"audit",
            "Audit agent branches against the files their agents own, as a server's hook does: for CI",
            &cmd::audit},
    Command{"merge", "Land a gated wave on the integration branch, one merge per agent in plan order",
            &cmd::merge},
    Command{"abort", "Throw a wave away, keeping every agent commit under an archive ref", &cmd::abort},
    Command{"repair", "Rewrite an agent's branch without its changes to files it does not own", &cmd::repair},
    Command{"accept", "Take an agent's branch as done as it is, without launching it again", &cmd::accept},
    Command{"skip", "Leave an agent, and the agents that depend on it, out of the run", &cmd::skip},
    Command{"relaunch", "Have the next 'git wave run' launch an agent again", &cmd::relaunch},
    Command{"amend", "Let the run in progress take the plan committed since, for the waves not yet started",
            &cmd::amend},
    Command{"run", "Run the plan unattended: launch, supervise, prove, gate and merge every wave", &cmd::run},
    Command{"logs", "Print (or follow) the output of an agent's latest attempt under git wave run",
            &cmd::logs},
    Command{"attach", "Show the tmux window of an agent under git wave run --tmux", &cmd::attach},
    Command{"report", "Show what the waves bought: actual against theoretical speedup, where the time went",
            &cmd::report},
    Command{"join", "Work as an agent of a run from another clone: its branch, worktree, hook and brief",
            &cmd::join},
    Command{"claim", "Take the next agent of the wave nobody holds, by a claim on the remote", &cmd::claim},
    Command{"release", "Give a claimed agent back", &cmd::release},
    Command{"mcp", "Serve the lead's tools to an agent over the Model Context Protocol (stdio)", &cmd::mcp},
    Command{"hook",
            "The ownership checks of commits (pre-commit) and of pushes (pre-receive), and installing them",
            &cmd::hook},
};

void print_main_help(std::FILE* out) {
  fmt::print(out, "usage: git wave [--version] [-h | --help] <command> [<args>]\n\n");
  fmt::print(out, "Run many coding agents on one repository, wave by wave, each in its own\n"
                  "worktree and owning its own files.\n\n");
  fmt::print(out, "commands:\n");
  for (const auto& c : table) {
    fmt::print(out, "   {:<10} {}\n", c.name, c.summary);
  }
  fmt::print(out, "\nSee 'git wave <command> -h' for a command's options, 'git help wave' for the manual.\n");
}

void print_error(const Error& e) {
  const Painter paint = painter_for_stderr();
  // Messages quote names, paths and option values as given: never let
  // their control characters reach the terminal.
  fmt::print(stderr, "{} {}\n", paint(Color::red, "error:"), util::escape_control(e.what()));
  for (const auto& hint : e.hints()) {
    fmt::print(stderr, "{} {}\n", paint(Color::yellow, "hint:"), util::escape_control(hint));
  }
}

int run(int argc, char** argv) {
  Args args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_main_help(stdout);
    return args.empty() ? exit_code::usage : exit_code::ok;
  }
  if (args[0] == "--version" || args[0] == "version") {
    fmt::print("git-wave version {}\n", version);
    return exit_code::ok;
  }
  if (args[0] == "--list-cmds") {
    for (const auto& c : table) {
      fmt::print("{}\n", c.name);
    }
    return exit_code::ok;
  }
  if (args[0] == "--log-relay") {
    return cmd::log_relay(Args(args.begin() + 1, args.end())); // internal: git wave run's capped logs
  }
  const std::string name = args[0];
  for (const auto& c : table) {
    if (c.name == name) {
      const git::Library libgit2;
      return c.run(Args(args.begin() + 1, args.end()));
    }
  }
  if (!name.empty() && name[0] == '-') {
    throw UsageError(fmt::format("unknown option '{}'", name), {"see 'git wave -h'"});
  }
  std::vector<std::string> names;
  for (const auto& c : table) {
    names.emplace_back(c.name);
  }
  std::vector<std::string> hints;
  if (auto best = util::nearest(name, names)) {
    hints.push_back(fmt::format("did you mean '{}'?", *best));
  } else {
    hints.push_back("see 'git wave -h' for the list of commands");
  }
  throw UsageError(fmt::format("'{}' is not a git wave command", name), std::move(hints));
}

} // namespace

std::span<const Command> commands() {
  return table;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Exit& e) {
    return e.code();
  } catch (const Error& e) {
    print_error(e);
    return e.code();
  } catch (const std::exception& e) {
    print_error(Error(e.what()));
    return exit_code::fatal;
  }
}

} // namespace wave::cli
