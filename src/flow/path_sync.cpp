#include "flow/path_sync.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/index_swap.hpp"
#include "git/repo.hpp"
#include "git/tree_diff.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

struct Entry {
  git_oid id{};
  git_filemode_t mode = GIT_FILEMODE_BLOB;
};
using Maybe = std::optional<Entry>;

bool same(const Maybe& a, const Maybe& b) {
  if (!a || !b) {
    return !a && !b;
  }
  return a->mode == b->mode && git_oid_equal(&a->id, &b->id) != 0;
}

// What the file at `path` of the worktree holds, as git would stage it; a
// directory where a submodule is expected counts as that submodule.
Maybe on_disk(git_repository* wt, const fs::path& root, const std::string& path, const Maybe& expected) {
  const fs::path full = root / path;
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::nullopt;
    }
    throw Error(fmt::format("cannot read '{}': {}", full.string(), std::strerror(errno)));
  }
  Entry e;
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const auto n = ::readlink(full.c_str(), target.data(), target.size());
    if (n < 0) {
      throw Error(fmt::format("cannot read the link '{}': {}", full.string(), std::strerror(errno)));
    }
    target.resize(static_cast<std::size_t>(n));
    git::check(git_odb_hash(&e.id, target.data(), target.size(), GIT_OBJECT_BLOB), "cannot hash a link");
    e.mode = GIT_FILEMODE_LINK;
    return e;
  }
  if (S_ISDIR(st.st_mode)) {
    if (expected && expected->mode == GIT_FILEMODE_COMMIT) {
      return expected;
    }
    e.mode = GIT_FILEMODE_TREE; // matches no file entry
    return e;
  }
  git::check(git_repository_hashfile(&e.id, wt, full.c_str(), GIT_OBJECT_BLOB, path.c_str()),
             fmt::format("cannot hash '{}'", full.string()));
  e.mode = (st.st_mode & S_IXUSR) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  return e;
}

Maybe in_tree(git_tree* tree, const std::string& path) {
  git_tree_entry* raw = nullptr;
  const int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  git::check(rc, fmt::format("cannot read {}", util::quote(path)));
  const git::TreeEntry entry(raw);
  return Entry{*git_tree_entry_id(entry.get()), git_tree_entry_filemode(entry.get())};
}

// The stage-0 entry, or a mode-0 entry when the path is in conflict.
Maybe in_index(git_index* index, const std::string& path) {
  for (int stage = 1; stage <= 3; ++stage) {
    if (git_index_get_bypath(index, path.c_str(), stage) != nullptr) {
      return Entry{git_oid{}, GIT_FILEMODE_UNREADABLE};
    }
  }
  const git_index_entry* e = git_index_get_bypath(index, path.c_str(), 0);
  if (e == nullptr) {
    return std::nullopt;
  }
  return Entry{e->id, static_cast<git_filemode_t>(e->mode)};
}

// Removes the empty directories above `path`, up to the worktree's root.
void prune_dirs(const fs::path& root, fs::path dir) {
  std::error_code ec;
  while (!dir.empty() && dir != root && fs::is_empty(dir, ec) && !ec) {
    fs::remove(dir, ec);
    dir = dir.parent_path();
  }
}

void write_file(git_repository* wt, const fs::path& root, const std::string& path, const Entry& want) {
  const fs::path full = root / path;
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  if (want.mode == GIT_FILEMODE_COMMIT) {
    return; // a submodule's checkout is not ours to write
  }
  git_blob* raw = nullptr;
  git::check(git_blob_lookup(&raw, wt, &want.id),
             fmt::format("cannot read the content of {}", util::quote(path)));
  const git::Blob blob(raw);
  const fs::path tmp = full.string() + ".wave-repair";
  fs::remove(tmp, ec);
  if (want.mode == GIT_FILEMODE_LINK) {
    const std::string target(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                             static_cast<std::size_t>(git_blob_rawsize(blob.get())));
    if (::symlink(target.c_str(), tmp.c_str()) != 0) {
      throw Error(fmt::format("cannot write '{}': {}", tmp.string(), std::strerror(errno)));
    }
  } else {
    git::Buf content;
    git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
    git::check(git_blob_filter(content.get(), blob.get(), path.c_str(), &opts),
               fmt::format("cannot filter {}", util::quote(path)));
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(content.view().data(), static_cast<std::streamsize>(content.view().size()));
      out.close();
      if (!out) {
        throw Error(fmt::format("cannot write '{}'", tmp.string()));
      }
    }
    fs::permissions(tmp, want.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? fs::perms(0755) : fs::perms(0644), ec);
  }
  if (fs::is_directory(full, ec) && !fs::is_symlink(full, ec)) {
    fs::remove_all(full, ec); // git's own would refuse: only reached for an empty directory left over
  }
  if (::rename(tmp.c_str(), full.c_str()) != 0) {
    const int err = errno;
    fs::remove(tmp, ec);
    throw Error(fmt::format("cannot write '{}': {}", full.string(), std::strerror(err)));
  }
}

} // namespace

struct PathSync::Impl {
  git::Repo wt;
  fs::path root;
  std::vector<std::string> paths;
  std::vector<Maybe> from;
  std::vector<Maybe> to;
};

PathSync::PathSync(git_repository* repo, const fs::path& worktree, const git_oid& from, const git_oid& to)
    : m_impl(std::make_unique<Impl>()) {
  git_repository* raw = nullptr;
  git::check(git_repository_open_ext(&raw, worktree.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
             fmt::format("cannot open the worktree '{}'", worktree.string()));
  m_impl->wt.reset(raw);
  m_impl->root = worktree;
  const git::Commit a = git::lookup_commit(repo, from);
  const git::Commit b = git::lookup_commit(repo, to);
  const git::Tree ta = git::commit_tree(a.get());
  const git::Tree tb = git::commit_tree(b.get());
  for (const auto& c : git::diff_trees(repo, ta.get(), tb.get())) {
    m_impl->paths.push_back(c.path);
    m_impl->from.push_back(in_tree(ta.get(), c.path));
    m_impl->to.push_back(in_tree(tb.get(), c.path));
  }
}

PathSync::~PathSync() = default;

const std::vector<std::string>& PathSync::paths() const noexcept {
  return m_impl->paths;
}

std::string PathSync::blocked() const {
  const fs::path gitdir = git_repository_path(m_impl->wt.get());
  const fs::path lock = gitdir / "index.lock";
  std::error_code ec;
  if (fs::exists(lock, ec) && !git::same_file(lock, gitdir / "wave-repair-index")) {
    return fmt::format("'{}' exists: a git command may be running in the worktree, or may have died",
                       lock.string());
  }
  git_index* raw = nullptr;
  git::check(git_repository_index(&raw, m_impl->wt.get()), "cannot read the worktree's index");
  const git::Index index(raw);
  for (std::size_t i = 0; i < m_impl->paths.size(); ++i) {
    const auto& path = m_impl->paths[i];
    const Maybe staged = in_index(index.get(), path);
    const Maybe file =
        on_disk(m_impl->wt.get(), m_impl->root, path, m_impl->to[i] ? m_impl->to[i] : m_impl->from[i]);
    const bool index_ok = same(staged, m_impl->from[i]) || same(staged, m_impl->to[i]);
    const bool file_ok = same(file, m_impl->from[i]) || same(file, m_impl->to[i]);
    if (!index_ok || !file_ok) {
      return fmt::format("{} has uncommitted changes{}", util::quote(path), index_ok ? "" : " (staged)");
    }
  }
  return {};
}

void PathSync::apply() {
  // The index goes in as the lead commit's does (git/index_swap.hpp): a kill
  // leaves the old index, or the new one, or a lock this finishes.
  const fs::path gitdir = git_repository_path(m_impl->wt.get());
  const fs::path index_path = gitdir / "index";
  const fs::path prepared = gitdir / "wave-repair-index";
  std::error_code ec;
  fs::remove(git::lock_of(prepared), ec);
  git::finish_index_install(prepared, index_path, m_impl->root);
  fs::remove(prepared, ec);

  git_index* raw = nullptr;
  git::check(git_repository_index(&raw, m_impl->wt.get()), "cannot read the worktree's index");
  const git::Index index(raw);
  git::check(git_index_read(index.get(), 1), "cannot read the worktree's index");
  bool index_changed = false;
  for (std::size_t i = 0; i < m_impl->paths.size(); ++i) {
    const auto& path = m_impl->paths[i];
    const Maybe& want = m_impl->to[i];
    if (!same(on_disk(m_impl->wt.get(), m_impl->root, path, want), want)) {
      if (want) {
        write_file(m_impl->wt.get(), m_impl->root, path, *want);
      } else {
        fs::remove(m_impl->root / path, ec);
        prune_dirs(m_impl->root, (m_impl->root / path).parent_path());
      }
    }
    if (!same(in_index(index.get(), path), want)) {
      index_changed = true;
      if (want) {
        git_index_entry e{};
        e.path = path.c_str();
        e.mode = want->mode;
        e.id = want->id;
        git::check(git_index_add(index.get(), &e), fmt::format("cannot stage {}", util::quote(path)));
      } else {
        git::check(git_index_remove(index.get(), path.c_str(), 0),
                   fmt::format("cannot unstage {}", util::quote(path)));
      }
    }
  }
  if (!index_changed) {
    return;
  }
  git::prepare_index(index.get(), prepared);
  try {
    git::install_index(prepared, index_path, m_impl->root);
  } catch (...) {
    fs::remove(prepared, ec);
    throw;
  }
  fs::remove(prepared, ec);
}

} // namespace wave::flow
