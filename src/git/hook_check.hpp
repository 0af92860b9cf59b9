#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// Will git wave's ownership check run when someone commits in a worktree?
// Answered by following what git would run: the pre-commit hook in the hooks
// directory git uses there (`git rev-parse --git-path hooks`, which honours
// core.hooksPath, relative ones included), and, when that hook belongs to a
// hook manager (pre-commit, lefthook, husky), the manager's configuration in
// that worktree.
namespace wave::git {

struct HookWiring {
  bool runs = false;          // a commit in the worktree runs `git wave hook pre-commit`
  std::filesystem::path hook; // the pre-commit hook git runs there (it may not exist)
  std::string detail;         // one line: what runs the check, or why nothing does
};

// `marker` is the line that marks git wave's own shim. Never throws: a
// worktree git cannot read gets `runs = false` and git's message as detail.
HookWiring pre_commit_wiring(const std::filesystem::path& worktree, std::string_view marker);

} // namespace wave::git
