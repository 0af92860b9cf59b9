#pragma once

#include "util/process.hpp"

#include <filesystem>
#include <string>
#include <vector>

// Running the git command itself, for what git does best and users expect it
// to do (checking out and removing worktrees): same rules, same messages.
namespace wave::git {

// "git 'arg' ...", quoted for /bin/sh (shown in logs and step records).
std::string git_command(const std::vector<std::string>& args);

struct GitResult {
  util::ProcessResult process;
  std::string output; // stdout and stderr together (run_git_stdout: stdout alone)
  std::string errors; // run_git_stdout: stderr

  bool ok() const noexcept { return process.ok(); }
};

// Runs `git ARGS...` in `cwd` (with GIT_DIR and friends unset, then `env`
// set) and collects its output.
GitResult run_git(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const std::vector<std::pair<std::string, std::string>>& env = {});

// The same, keeping stdout (`output`, as it is: a command's records, which
// a warning on stderr must not break) apart from stderr (`errors`).
GitResult run_git_stdout(const std::filesystem::path& cwd, const std::vector<std::string>& args);

} // namespace wave::git
