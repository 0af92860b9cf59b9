#include "cli/hook_install.hpp"

#include "core/error.hpp"
#include "git/hook_shim.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace wave::cli {

namespace fs = std::filesystem;

std::string self_path() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("git-wave") : p.string();
}

std::string pre_commit_shim() {
  std::string shim(git::pre_commit_shim);
  constexpr std::string_view placeholder = "'@GIT_WAVE@'";
  const auto pos = shim.find(placeholder);
  if (pos != std::string::npos) {
    shim.replace(pos, placeholder.size(), git::shell_quote(self_path()));
  }
  return shim;
}

std::string pre_commit_marker() {
  const std::string_view shim = git::pre_commit_shim;
  const auto first = shim.find('\n');
  const auto second = shim.find('\n', first + 1);
  return std::string(shim.substr(first + 1, second - first - 1));
}

git::HookInstall install_pre_commit(git_repository* repo) {
  const git::HooksDir dir = git::hooks_dir(repo);
  if (dir.per_worktree) {
    throw Error(
        fmt::format("cannot install the pre-commit hook: core.hooksPath is '{}', a path relative to each "
                    "worktree",
                    dir.configured.value_or("")),
        exit_code::fatal,
        {"a hook manager (husky, lefthook, pre-commit) owns the hooks; add a pre-commit step running "
         "'git wave hook pre-commit' to its configuration (see git-wave-hook(1))"});
  }
  return git::install_hook(dir.path, "pre-commit", pre_commit_shim(), pre_commit_marker());
}

git::HookWiring pre_commit_wiring(const fs::path& worktree) {
  return git::pre_commit_wiring(worktree, pre_commit_marker());
}

std::string describe(const git::HookInstall& install) {
  const std::string hook = install.hook.string();
  switch (install.status) {
  case git::HookStatus::installed:
    return fmt::format("installed the pre-commit hook '{}'", hook);
  case git::HookStatus::chained:
    return fmt::format("installed the pre-commit hook '{}'; the hook that was there runs first, from '{}'",
                       hook, install.chained ? install.chained->string() : std::string());
  case git::HookStatus::updated:
    return fmt::format("updated the pre-commit hook '{}'", hook);
  case git::HookStatus::unchanged:
    return fmt::format("the pre-commit hook '{}' is installed already", hook);
  case git::HookStatus::integrated:
    return fmt::format("the pre-commit hook '{}' already runs 'git wave hook pre-commit'", hook);
  }
  return {};
}

} // namespace wave::cli
