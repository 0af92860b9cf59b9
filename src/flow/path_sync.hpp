#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

// Bringing a few paths of a worktree (files and index entries) from one
// commit's content to another's, leaving every other path alone: what `git
// wave repair` does in the agent's worktree before it moves the branch.
namespace wave::flow {

class PathSync {
public:
  // The paths that differ between commits `from` and `to` (the worktree has
  // the branch at `from` checked out, or at `to` after a kill). Opens the
  // worktree at `worktree`.
  PathSync(git_repository* repo, const std::filesystem::path& worktree, const git_oid& from,
           const git_oid& to);
  ~PathSync();
  PathSync(const PathSync&) = delete;
  PathSync& operator=(const PathSync&) = delete;

  const std::vector<std::string>& paths() const noexcept;

  // Empty when every path's file and index entry is as `from` or as `to`
  // has it (a kill half way through apply() leaves a mix of both); else
  // "'b/x' has uncommitted changes" for the first that is neither, or that
  // git's index.lock is in the way, naming the file.
  std::string blocked() const;

  // Writes each file and index entry that is not yet as `to` has it: the
  // files first, then the index (one write, under git's index.lock).
  // Throws wave::Error when a file or the index cannot be written.
  void apply();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace wave::flow
