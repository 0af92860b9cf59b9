#pragma once

#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Guessing a project's build and test commands from the build files at the
// top of its tree, for the [gate] of a starter plan.
namespace wave::plan {

struct GuessedCommand {
  std::string command; // run by /bin/sh in the candidate's worktree
  std::string source;  // the file it was guessed from, e.g. "Cargo.toml"
};

// The files guess_gate() looks at: build files and lock files.
std::span<const std::string_view> gate_guess_files();

// Commands that build and test the project, from the files at the top of its
// tree: `present` names them, `read` returns the contents of one of them.
// A Makefile is taken alone (it usually drives the other tools); otherwise
// CMakeLists.txt, Cargo.toml, go.mod, package.json and pyproject.toml each
// add theirs, in that order. Empty when nothing is recognised.
std::vector<GuessedCommand> guess_gate(const std::set<std::string>& present,
                                       const std::function<std::string(std::string_view)>& read);

} // namespace wave::plan
