#include "git/wave_hooks.hpp"

#include "core/error.hpp"
#include "git/hook_shim.hpp"
#include "git/worktree.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace wave::git {

namespace fs = std::filesystem;

std::string self_path() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("git-wave") : p.string();
}

namespace {

// A shim with the absolute path of this binary filled in.
std::string filled(std::string_view shim) {
  std::string out(shim);
  constexpr std::string_view placeholder = "'@GIT_WAVE@'";
  const auto pos = out.find(placeholder);
  if (pos != std::string::npos) {
    out.replace(pos, placeholder.size(), shell_quote(self_path()));
  }
  return out;
}

// A shim's second line, which says whose it is.
std::string marker_of(std::string_view shim) {
  const auto first = shim.find('\n');
  const auto second = shim.find('\n', first + 1);
  return std::string(shim.substr(first + 1, second - first - 1));
}

} // namespace

std::string pre_commit_script() {
  return filled(pre_commit_shim);
}

std::string pre_commit_marker() {
  return marker_of(pre_commit_shim);
}

std::string pre_receive_marker() {
  return marker_of(pre_receive_shim);
}

HookInstall install_pre_receive(git_repository* repo) {
  const HooksDir dir = hooks_dir(repo);
  return install_hook(dir.path, "pre-receive", filled(pre_receive_shim), pre_receive_marker());
}

HookInstall install_pre_commit(git_repository* repo) {
  const HooksDir dir = hooks_dir(repo);
  if (dir.per_worktree) {
    throw Error(
        fmt::format("cannot install the pre-commit hook: core.hooksPath is '{}', a path relative to each "
                    "worktree",
                    dir.configured.value_or("")),
        exit_code::fatal,
        {"a hook manager (husky, lefthook, pre-commit) owns the hooks; add a pre-commit step running "
         "'git wave hook pre-commit' to its configuration (see git-wave-hook(1))"});
  }
  return install_hook(dir.path, "pre-commit", pre_commit_script(), pre_commit_marker());
}

HookWiring pre_commit_wiring(const fs::path& worktree) {
  return pre_commit_wiring(worktree, pre_commit_marker());
}

std::string describe(const HookInstall& install) {
  const std::string hook = install.hook.string();
  const std::string name = install.hook.filename().string();
  switch (install.status) {
  case HookStatus::installed:
    return fmt::format("installed the {} hook '{}'", name, hook);
  case HookStatus::chained:
    return fmt::format("installed the {} hook '{}'; the hook that was there runs first, from '{}'",
                       name, hook, install.chained ? install.chained->string() : std::string());
  case HookStatus::updated:
    return fmt::format("updated the {} hook '{}'", name, hook);
  case HookStatus::unchanged:
    return fmt::format("the {} hook '{}' is installed already", name, hook);
  case HookStatus::integrated:
    return fmt::format("the {} hook '{}' already runs 'git wave hook {}'", name, hook, name);
  }
  return {};
}

} // namespace wave::git
