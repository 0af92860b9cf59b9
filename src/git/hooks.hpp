#pragma once

#include "git/handle.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// Finding git's hooks directory and installing a hook into it without ever
// clobbering one that is there: the old hook is kept beside it and chained.
namespace wave::git {

struct HooksDir {
  std::filesystem::path path;
  // Set when core.hooksPath chose the directory: its value as configured.
  std::optional<std::string> configured;
  // core.hooksPath is relative: git resolves it in each worktree's own root,
  // so linked worktrees do not share the directory.
  bool per_worktree = false;
};

// Where git runs `repo`'s hooks from: core.hooksPath (with '~/' expanded, a
// relative path taken from the work tree root, as git does), else the hooks
// folder of the common git dir, which linked worktrees share.
HooksDir hooks_dir(git_repository* repo);

enum class HookStatus {
  installed,  // there was no hook: ours is now there
  chained,    // another hook was there: kept as <name>.wave-chained, ours runs it first
  updated,    // ours was there with other contents (e.g. another binary path): rewritten
  unchanged,  // ours was there, identical
  integrated, // another hook is there that already runs `git wave hook <name>`: left alone
};

struct HookInstall {
  HookStatus status = HookStatus::unchanged;
  std::filesystem::path hook;                   // the hook file
  std::optional<std::filesystem::path> chained; // the kept hook, when there is one
};

// The suffix of a hook kept and chained by ours.
inline constexpr std::string_view chained_suffix = ".wave-chained";

// Installs `content` as hook `name` in `dir`. Ours is recognised by `marker`
// (a line of the content). Another hook is moved to <name>.wave-chained,
// which `content` is expected to run; it is never overwritten: when both
// another hook and a kept one exist, this throws Error and changes nothing.
// Writes are atomic (a temporary file renamed into place), mode 0755.
HookInstall install_hook(const std::filesystem::path& dir, std::string_view name, std::string_view content,
                         std::string_view marker);

enum class HookRemoval { removed, restored, absent, foreign };

// Removes our hook `name` (recognised by `marker`) and puts a kept hook back
// in its place. A hook that is not ours is left alone (`foreign`).
HookRemoval uninstall_hook(const std::filesystem::path& dir, std::string_view name, std::string_view marker);

} // namespace wave::git
