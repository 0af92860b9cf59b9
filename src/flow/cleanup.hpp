#pragma once

#include <git2.h>

#include <filesystem>
#include <string>
#include <vector>

// What merge and abort both do once a wave is settled: remove the agents'
// worktrees, delete their branches, drop the candidate. Each step can be
// repeated: what is already gone is skipped, and what a killed command left
// half done (a worktree whose files are partly deleted) is finished.
namespace wave::flow {

struct Cleanup {
  std::vector<std::string> done; // "removed worktree ...", "deleted branch ..."
  std::vector<std::string> kept; // what stayed and why
};

// Removes the linked worktree of `agent` at `path`. `force` (abort, whose
// work is archived first) removes whatever it holds; otherwise a worktree
// with uncommitted changes is kept. Returns false when it stays.
bool remove_agent_worktree(git_repository* repo, const std::filesystem::path& path, const std::string& agent,
                           bool force, Cleanup& out);

// Deletes branch `branch` (a short name) when it is still at `expected`.
void delete_branch(git_repository* repo, const std::string& branch, const git_oid& expected, Cleanup& out);

// Removes the wave's candidate ref.
void drop_candidate(git_repository* repo, const std::string& run, const std::string& label);

// Removes the run's scratch worktree, where the gate checks candidates out.
void drop_scratch(git_repository* repo, const std::string& run);

} // namespace wave::flow
