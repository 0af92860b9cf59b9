#pragma once

#include <git2.h>

#include <filesystem>
#include <optional>
#include <string>

// Finding and removing worktrees of the repository.
namespace wave::gate {

// The worktree (the main one or a linked one) that has `branch` (a full ref
// name) checked out, if any.
std::optional<std::filesystem::path> worktree_of_branch(git_repository* repo, const std::string& branch);

// Removes the linked worktree registered at `path`, its files and its
// registration, whatever it holds (for the gate's own scratch worktree). Does
// nothing when none is registered there; a stray folder is removed too.
void prune_worktree(git_repository* repo, const std::filesystem::path& path);

// <common git dir>/wave/<run>/scratch: where the plan's gate runs on a
// candidate, a detached linked worktree.
std::filesystem::path scratch_dir(git_repository* repo, const std::string& run);

// Where an agent's tip is checked out for its own gate when its worktree is
// on another machine: "<common git dir>/wave/<run>/scratch-agents/<agent>".
std::filesystem::path agent_scratch_dir(git_repository* repo, const std::string& run,
                                        const std::string& agent);

} // namespace wave::gate
