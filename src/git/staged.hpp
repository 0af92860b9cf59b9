#pragma once

#include "git/handle.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// What a commit of the index would change: the paths
// `git diff --cached --no-renames --name-status` lists, read-only.
namespace wave::git {

struct StagedChange {
  char status = 'M'; // 'A' added, 'D' deleted, 'M' modified (content or mode), 'T' type changed, 'U' unmerged
  std::string path;  // a rename appears as a 'D' of the old path and an 'A' of the new one
};

// The index file git would use for `repo`: $GIT_INDEX_FILE when set (as
// while git runs a commit hook), else the repository's own.
std::filesystem::path index_file(git_repository* repo);

// The id of the tree the index file describes, read from its cache tree
// (git's TREE extension) when that is valid for the whole index; nullopt when
// it is not (some path changed since the tree was last computed) or the file
// is not an index this reader understands. Only the file's header, its
// entries' lengths and the extension are read: no allocation per entry.
std::optional<git_oid> index_file_tree(const std::filesystem::path& index);

// The staged changes of the index file index_file(repo) against HEAD (the empty tree when HEAD is
// unborn), in path order.
//
// Cost: when the index's cache tree is valid -- always the case while git
// runs the pre-commit hook of a plain `git commit` -- HEAD's tree and the
// index's are compared skipping every subtree whose id did not change, so the
// cost follows the size of the change. Otherwise the whole index is loaded
// and compared with HEAD's tree. Nothing is written.
std::vector<StagedChange> staged_changes(git_repository* repo);

} // namespace wave::git
