#pragma once

#include "cli/parser.hpp"

#include <span>
#include <string_view>

namespace wave::cli {

// What a command needs before it runs, as git's RUN_SETUP and
// NEED_WORK_TREE say it of a builtin.
enum class Need : unsigned {
  none = 0,
  // A git repository, found from the current directory (or GIT_DIR): the
  // dispatcher checks for it before the command runs, so every command
  // outside one says "not a git repository" the same way (`-h` excepted).
  repository = 1U << 0U,
  // It changes a run: it holds the run lock, and finishes what a killed
  // command left, before its first change (cli::lock_run, cli::lock_wave,
  // taken once its options name the run).
  run_lock = 1U << 1U,
  // It works on a run kept on a remote too: fetched and brought level
  // first, published after (--remote, or the plan's `remote`).
  remote = 1U << 2U,
};

constexpr Need operator|(Need a, Need b) noexcept {
  return static_cast<Need>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}

constexpr bool has(Need set, Need need) noexcept {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(need)) != 0;
}

// One entry per subcommand (the table is src/commands.cpp).
struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Args& args);
  Need needs = Need::none;
};

// Runs `git-wave <argv...>` with the subcommands of `table`: finds the
// subcommand, prepares what it needs, runs it, maps exceptions to messages
// and exit codes. The whole of main(). `internal` holds what git-wave runs
// of itself (`git-wave --log-relay`): run as they are, never listed.
int main(int argc, char** argv, std::span<const Command> table, std::span<const Command> internal);

} // namespace wave::cli
