#pragma once

#include "git/hook_check.hpp"
#include "git/hooks.hpp"

#include <git2.h>

#include <string>

// Installing git wave's hook shims into a repository: pre-commit
// (hooks/pre-commit), shared by `git wave hook install` and `git wave
// start`; pre-receive (hooks/pre-receive) for a bare repository a server
// serves.
namespace wave::git {

// The shim with the absolute path of the running git-wave binary filled in.
std::string pre_commit_script();

// The line that marks a pre-commit hook as git wave's shim.
std::string pre_commit_marker();

// Installs the shim into the hooks directory git uses for `repo`, chaining a
// hook already there. Throws Error when core.hooksPath is relative (each
// worktree then has its own hooks: installing into one would not protect
// the agents' worktrees) or when the hook cannot be installed.
HookInstall install_pre_commit(git_repository* repo);

// The line that marks a pre-receive hook as git wave's shim.
std::string pre_receive_marker();

// Installs the pre-receive shim (a server's check of pushes: gate/receive)
// into the hooks directory of `repo`, chaining a hook already there.
HookInstall install_pre_receive(git_repository* repo);

// This git-wave program's path (for the hook shim, and for git wave run's
// briefs), or "git-wave" when it cannot be read.
std::string self_path();

// Will git wave's check run on a commit in `worktree` (see git/hook_check.hpp)?
HookWiring pre_commit_wiring(const std::filesystem::path& worktree);

// One line saying what install_pre_commit() or install_pre_receive() did.
std::string describe(const HookInstall& install);

} // namespace wave::git
