#pragma once

#include "plan/gate_guess.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The commented starter plan `git wave init` writes: an example to edit, or
// one agent per folder at the top of the tree.
namespace wave::plan {

struct StarterOptions {
  std::string name = "my-change";  // the run's name
  std::optional<std::string> base; // integration branch; nullopt: the current one at start
  std::optional<std::string>
      plan_path;                     // the plan's path from the top of the tree (protected); nullopt: outside
  bool from_tree = false;            // one agent per entry of `folders`, else the example agents
  std::vector<std::string> folders;  // folders at the top of the tree (from_tree)
  std::vector<std::string> left_out; // folders left to the leader (hidden ones), named in a comment
  std::vector<GuessedCommand> gate;  // guessed gate commands; empty: a commented example
};

// The agent given to folder `folder`: the name made a valid branch name
// component (unsafe characters become '-', no leading '.' or '-', no "..",
// no ".lock" end), then made unique among `taken` with "-2", "-3", ...
std::string agent_name_for(std::string_view folder, const std::vector<std::string>& taken);

// Is `s` valid UTF-8 (as TOML requires of the whole file)?
bool valid_utf8(std::string_view s);

// The plan text, TOML with comments saying what each part is for. Folder
// names must be valid UTF-8. The result is a plan parse() accepts and
// schedule() schedules without error.
std::string starter_plan(const StarterOptions& options);

} // namespace wave::plan
