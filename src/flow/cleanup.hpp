#pragma once

#include "run/state.hpp"

#include <git2.h>

#include <filesystem>
#include <optional>
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
// `clean`, when given, is what worktrees_clean() said of it already.
bool remove_agent_worktree(git_repository* repo, const std::filesystem::path& path, const std::string& agent,
                           bool force, Cleanup& out, std::optional<bool> clean = std::nullopt);

// For each path: is it a worktree with nothing uncommitted, no changes and
// no untracked files (ignored ones aside), as `git worktree remove` asks
// before it deletes? One `git status` each, run in parallel; an empty path
// is not.
std::vector<char> worktrees_clean(const std::vector<std::filesystem::path>& paths);

// Keeps the worktree of an agent whose wave landed for an agent of the next
// wave (see parked_worktrees): it stays registered, its HEAD detached at
// `tip`, its branch's tip, so that the branch can go. A worktree with
// uncommitted changes stays as it is (false); one already parked is left so.
bool park_agent_worktree(git_repository* repo, const std::filesystem::path& path, const std::string& agent,
                         const git_oid& tip, Cleanup& out, std::optional<bool> clean = std::nullopt);

// A worktree a merge kept, as parked_worktrees() found it.
struct Parked {
  std::filesystem::path path;
  // What git ignores in it (paths relative to it, a whole folder ending in
  // '/'): all a switch must delete, since nothing else is untracked.
  std::vector<std::string> ignored;
};

// The worktrees of the run's merged waves that are parked and free to be
// switched to another agent's branch: registered, on disk, HEAD detached at
// a commit `tip` (the integration branch) holds, not locked, without
// submodules, and with nothing uncommitted (no changes, no untracked files).
// One `git status --ignored` each, in parallel.
std::vector<Parked> parked_worktrees(git_repository* repo, const run::State& state, const git_oid& tip);

// The worktrees of the run's merged waves still registered whose folder is
// gone: a removal killed between moving it aside and dropping its
// registration. remove_agent_worktree() finishes each.
std::vector<std::filesystem::path> vanished_worktrees(git_repository* repo, const run::State& state);

// Deletes branch `branch` (a short name) when it is still at `expected`.
void delete_branch(git_repository* repo, const std::string& branch, const git_oid& expected, Cleanup& out);

// Removes the wave's candidate ref.
void drop_candidate(git_repository* repo, const std::string& run, const std::string& label);

// Removes the run's scratch worktree, where the gate checks candidates out.
void drop_scratch(git_repository* repo, const std::string& run);

} // namespace wave::flow
