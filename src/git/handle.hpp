#pragma once

// One RAII alias per libgit2 type we own. Only what libgit2 hands out through
// an `**out` parameter is wrapped; borrowed getters are never freed.

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>

namespace wave::git {

template <auto F> struct Free {
  template <class T> void operator()(T* p) const noexcept { F(p); }
};

using Repo = std::unique_ptr<git_repository, Free<git_repository_free>>;
using Reference = std::unique_ptr<git_reference, Free<git_reference_free>>;
using Object = std::unique_ptr<git_object, Free<git_object_free>>;
using Commit = std::unique_ptr<git_commit, Free<git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Free<git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Free<git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Free<git_blob_free>>;
using Index = std::unique_ptr<git_index, Free<git_index_free>>;
using Diff = std::unique_ptr<git_diff, Free<git_diff_free>>;
using Config = std::unique_ptr<git_config, Free<git_config_free>>;
using Signature = std::unique_ptr<git_signature, Free<git_signature_free>>;
using Worktree = std::unique_ptr<git_worktree, Free<git_worktree_free>>;
using TreeBuilder = std::unique_ptr<git_treebuilder, Free<git_treebuilder_free>>;
using StatusList = std::unique_ptr<git_status_list, Free<git_status_list_free>>;
using Odb = std::unique_ptr<git_odb, Free<git_odb_free>>;
using RevWalk = std::unique_ptr<git_revwalk, Free<git_revwalk_free>>;

struct BufFree {
  void operator()(git_buf* b) const noexcept { git_buf_dispose(b); }
};

// Owns a git_buf filled by libgit2.
class Buf {
public:
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&m_buf); }
  git_buf* get() noexcept { return &m_buf; }
  std::string_view view() const noexcept { return {m_buf.ptr ? m_buf.ptr : "", m_buf.size}; }

private:
  git_buf m_buf = GIT_BUF_INIT;
};

// Initialises libgit2 for the lifetime of the object. One, in main() and in
// tests. See library.cpp for what that start-up leaves out.
class Library {
public:
  Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
  ~Library();
};

} // namespace wave::git
