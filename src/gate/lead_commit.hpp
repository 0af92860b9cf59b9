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
// take() writes the worktree's content as a tree (objects only; the index,
// the files and every ref stay as they are) and lists the changes;
// prepare() writes the commit and the worktree's next index to a file of
// git wave's own beside the real one (wave-index); install() puts that index
// in place, taking git's index.lock the way git does (link(2), so that the
// lock holds the whole new index from its first instant), then moves the
// branch with compare-and-swap. A kill at any point leaves the worktree
// consistent with its branch, or a state finish() completes: the index is
// never behind a moved branch, which would stage the commit's reverse.
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
  const git_oid& tree() const noexcept { return m_tree; }

  // Commits the snapshot on the branch with `message` (prepare, then
  // install); throws wave::Error when the branch moved since take() or the
  // index is locked (nothing is changed then).
  git_oid commit(const std::string& message);

  // Writes the commit and the prepared index file; returns the commit.
  git_oid prepare(const std::string& message);
  const std::filesystem::path& prepared_index() const noexcept { return m_prepared; }

  // Installs the prepared index and moves the branch to the prepared commit.
  void install();

  // Completes what install() began for a lead commit `from` -> `to` of the
  // worktree at `worktree` (branch `branch`) with the prepared index
  // `prepared`, after a kill: when the prepared index went in (it is the
  // index, or git's index.lock is it), the branch is moved too; else nothing
  // happened and nothing is done. The prepared file is removed. Returns what
  // it did, for the user, or empty.
  static std::string finish(const std::filesystem::path& worktree, const std::string& branch,
                            const git_oid& from, const git_oid& to, const std::filesystem::path& prepared);

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
  git_oid m_commit{};
  std::string m_message;
  std::filesystem::path m_prepared; // <worktree's git dir>/wave-index
  std::vector<git::TreeChange> m_changes;
};

} // namespace wave::gate
