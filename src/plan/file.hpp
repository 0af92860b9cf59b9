#pragma once

#include <git2.h>

#include <filesystem>
#include <string>

// Where a command's plan is, and reading it.
namespace wave::plan {

struct PlanPath {
  std::filesystem::path path; // the file to read
  std::string shown;          // how messages name it
};

// Where the plan is: `option` (--plan, relative to the current directory),
// else `git config wave.plan` (relative to the work tree root), else
// wave.toml at the work tree root. `repo` may be null outside a repository
// when `option` is given; otherwise it throws Error.
PlanPath resolve_plan_path(git_repository* repo, const std::string& option);

// The file's contents; throws Error (128) naming the file when unreadable.
std::string read_plan_file(const PlanPath& where);

} // namespace wave::plan
