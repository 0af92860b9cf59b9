#pragma once

#include "cli/parser.hpp"

#include <span>
#include <string_view>

namespace wave::cli {

// One entry per subcommand: the table feeds dispatch, `git wave -h`, the
// completions (`git wave --list-cmds`) and the man-page test.
struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Args& args);
};

std::span<const Command> commands();

// Runs `git-wave <argv...>`: finds the subcommand, runs it, maps exceptions
// to messages and exit codes. The whole of main().
int main(int argc, char** argv);

} // namespace wave::cli
