#pragma once

#include "plan/preset.hpp"

#include <git2.h>

#include <filesystem>

namespace wave::flow {

// Writes a preset's settings files into the agent's worktree (replacing
// them: they are git-wave's, rewritten before each attempt) and adds its
// patterns to the repository's info/exclude, which git reads for every
// worktree, so that the ownership check never counts them as the agent's
// changes. Nothing in the user's own agent settings (~/.claude, ...) is
// touched. Throws Error when a file cannot be written.
void install_preset_files(git_repository* repo, const std::filesystem::path& worktree,
                          const plan::AgentLaunch& launch);

} // namespace wave::flow
