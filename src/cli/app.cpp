#include "cli/app.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace wave::cli {

namespace {

void print_main_help(std::FILE* out, std::span<const Command> table) {
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

// Does `args` ask for the command's help? It is given without a repository.
bool asks_help(const Args& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "-h" || a == "--help"; });
}

// Prepares what `command` needs before it runs (see Need).
void prepare(const Command& command, const Args& args) {
  if (has(command.needs, Need::repository) && !asks_help(args)) {
    git::open(); // throws "not a git repository" with its hint
  }
}

int run(int argc, char** argv, std::span<const Command> table, std::span<const Command> internal) {
  Args args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_main_help(stdout, table);
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
  for (const auto& c : internal) {
    if (c.name == args[0]) {
      return c.run(Args(args.begin() + 1, args.end()));
    }
  }
  const std::string name = args[0];
  for (const auto& c : table) {
    if (c.name == name) {
      const git::Library libgit2;
      const Args rest(args.begin() + 1, args.end());
      prepare(c, rest);
      return c.run(rest);
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

int main(int argc, char** argv, std::span<const Command> table, std::span<const Command> internal) {
  try {
    return run(argc, argv, table, internal);
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
