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

// The same for agent `agent` of `plan`, by its preset (nothing for an
// agent launched by a command of the plan), in its worktree `worktree`:
// `git wave start` installs them, so that an agent a person launches there
// is held to its ownership as it edits too; `self` is the git-wave program
// the edit hooks run (empty: this process's).
void install_agent_preset(git_repository* repo, const plan::Plan& plan, const std::string& agent,
                          const std::filesystem::path& worktree, const std::filesystem::path& self = {});

} // namespace wave::flow
