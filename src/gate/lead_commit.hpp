#pragma once

#include "git/handle.hpp"
#include "git/tree_diff.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Lead-commits mode (seed 001, 3a): an agent left its work uncommitted in its
// worktree, and the lead commits it on the agent's branch as one discrete
// commit. Done in two steps so the caller can check ownership in between:
// snapshot() writes the worktree's content as a tree (objects only; the
// index, the files and every ref stay as they are) and lists the changes;
// commit() then makes the commit, moves the branch with compare-and-swap and
// only then records the new state in the worktree's index.
namespace wave::gate {

class WorktreeSnapshot {
public:
  // Modified, deleted and untracked-but-not-ignored files of the worktree at
  // `worktree`, which must have `branch` (full ref name) checked out. nullopt
  // when there is nothing to commit. Throws wave::Error when the worktree is
  // missing, not on that branch, or has unresolved conflicts.
  static std::optional<WorktreeSnapshot> take(const std::filesystem::path& worktree,
                                              const std::string& branch);

  WorktreeSnapshot(WorktreeSnapshot&&) noexcept = default;
  WorktreeSnapshot& operator=(WorktreeSnapshot&&) noexcept = default;
  ~WorktreeSnapshot();

  const std::vector<git::TreeChange>& changes() const noexcept { return m_changes; }
  const git_oid& head() const noexcept { return m_head; }

  // Commits the snapshot on the branch with `message`; throws wave::Error
  // when the branch moved since take() (nothing is changed then).
  git_oid commit(const std::string& message);

  // Writes the snapshot as a commit on top of the branch tip without moving
  // anything (like `git stash create`), to keep it reachable elsewhere.
  git_oid write_commit(const std::string& message);

private:
  WorktreeSnapshot() = default;

  git::Repo m_repo;
  git::Index m_index; // the worktree's index with the changes added, not yet written
  std::string m_branch;
  std::filesystem::path m_worktree;
  git_oid m_head{};
  git_oid m_tree{};
  std::vector<git::TreeChange> m_changes;
};

} // namespace wave::gate
