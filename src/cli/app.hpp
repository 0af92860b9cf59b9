#pragma once

#include <CLI/CLI.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wave::cli {

using Args = std::vector<std::string>;

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

// Parses a subcommand's arguments with CLI11. `-h` prints help and throws
// Exit(0); a usage error throws UsageError (129) with CLI11's message.
void parse(CLI::App& app, const Args& args);

// A CLI11 app for subcommand `name`, configured the same way everywhere:
// the synopsis line, `-h/--help`, git-like error messages.
std::unique_ptr<CLI::App> make_app(std::string_view name, std::string_view synopsis,
                                   std::string_view description);

} // namespace wave::cli
