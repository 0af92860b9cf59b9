#pragma once

#include "git/handle.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

// What changed between two trees, path by path, the way
// `git diff --raw --no-renames` sees it: a rename is a delete plus an add, a
// mode change (executable bit, file <-> symlink, file <-> submodule) is a
// change, a file replaced by a directory is a delete of the file plus an add
// of every file below the directory. Identical subtrees are skipped by object
// id without being read, so the cost follows the size of the change, not the
// size of the tree.
namespace wave::git {

struct TreeChange {
  enum class Kind { added, deleted, modified };

  Kind kind = Kind::modified;
  std::string path;                                  // full path from the root; same before and after
  git_filemode_t old_mode = GIT_FILEMODE_UNREADABLE; // 0 when added
  git_filemode_t new_mode = GIT_FILEMODE_UNREADABLE; // 0 when deleted
  git_oid old_oid{};                                 // zero when added
  git_oid new_oid{};                                 // zero when deleted

  // git's status letter: 'A', 'D', 'M', or 'T' when the kind of entry changed
  // (regular file, symlink, submodule).
  char status() const noexcept;
};

using TreeChangeFn = std::function<void(const TreeChange&)>;

// How deep a tree may go before a walk refuses it: git's own default for
// core.maxTreeDepth (a tree deeper than that is an attack on recursive
// walks, git's and libgit2's).
inline constexpr std::size_t max_tree_depth = 4096;

// Calls `fn` for every change from `old_tree` to `new_tree`, in git's tree
// order. Either tree may be null (the empty tree). Only non-tree entries are
// reported; directories appear through their contents. The walk keeps its
// own stack, so the trees' depth never reaches the process's; a tree deeper
// than max_tree_depth throws wave::Error.
void diff_trees(git_repository* repo, git_tree* old_tree, git_tree* new_tree, const TreeChangeFn& fn);

std::vector<TreeChange> diff_trees(git_repository* repo, git_tree* old_tree, git_tree* new_tree);

// The same between two commits' trees.
std::vector<TreeChange> diff_commits(git_repository* repo, const git_oid& old_commit,
                                     const git_oid& new_commit);

} // namespace wave::git
