#pragma once

#include "cli/term.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

// A subcommand's command line. CLI11 parses it, behind this class and in one
// file only: its header costs seconds of compile time in every file that
// includes it.
namespace wave::cli {

using Args = std::vector<std::string>;

class Parser {
public:
  // `synopsis` is the usage line (or lines) shown under -h, headed by
  // `description`.
  Parser(std::string_view name, std::string_view synopsis, std::string_view description);
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // `names` is CLI11's: "--json", "-j,--jobs". `value_name` is how -h shows
  // the value ("<label>"); empty shows none.
  void flag(std::string_view names, bool& value, std::string_view help);
  void option(std::string_view names, std::string& value, std::string_view help, std::string_view value_name);
  // A whole number from `min` to `max`.
  void option(std::string_view names, unsigned& value, std::string_view help, std::string_view value_name,
              unsigned min, unsigned max);
  // One of `choices`.
  void choice(std::string_view names, std::string& value, const std::vector<std::string>& choices,
              std::string_view help, std::string_view value_name);
  void positional(std::string_view name, std::string& value, std::string_view help,
                  std::string_view value_name, bool required);
  // Any number of positional arguments.
  void positionals(std::string_view name, std::vector<std::string>& values, std::string_view help,
                   std::string_view value_name = {});

  // The options several commands share, spelled and checked the same way.
  // --color=<when>: always, never or auto; anything else is a usage error.
  void color(std::optional<ColorWhen>& when);
  // --run <name>.
  void run(std::string& name, std::string_view help = "the run to work on, when the repository has several");
  // --remote <name>: the remote the run is kept on (git-wave(1), SEVERAL
  // MACHINES); overrides the plan's `remote`.
  void remote(std::string& name);
  // --plan <path>.
  void
  plan(std::string& path,
       std::string_view help = "read the plan from <path> instead of wave.toml (or git config wave.plan)");

  // Parses `args`. `-h` prints help and throws Exit(0); `--git-completion-helper`
  // prints the long options for the completion scripts and throws Exit(0); a
  // usage error throws UsageError (129) with CLI11's message.
  void parse(const Args& args);

  // Whether option `name` ("--list") was given.
  bool given(std::string_view name) const;

private:
  std::unique_ptr<CLI::App> m_app;
  std::vector<std::string*> m_strings;            // bound values, unmarked after parsing
  std::vector<std::vector<std::string>*> m_lists; // (see literal_mark in parser.cpp)
};

} // namespace wave::cli
