#include "git/repo.hpp"

#include "git/check.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

namespace wave::git {

namespace {

// A repository libgit2 could not open: SHA-256 object names get a plain
// message of their own (libgit2 1.5 reads SHA-1 repositories only).
void check_open(int rc) {
  if (rc >= 0) {
    return;
  }
  const git_error* e = git_error_last();
  const std::string what = e != nullptr && e->message != nullptr ? e->message : "";
  if (what.find("extensions.objectformat") != std::string::npos) {
    git_error_clear();
    throw UnsupportedRepository(
        "this repository uses SHA-256 object names (extensions.objectFormat): libgit2, the library git wave "
        "reads repositories with, supports only SHA-1 ones",
        {"git wave cannot work in this repository; use it in a SHA-1 repository (git's default)",
         "'git wave plan --plan <file>' still checks a plan here"});
  }
  check(rc, "cannot open repository");
}

// libgit2 takes a linked worktree of a bare repository (core.bare = true in
// the common config) for bare, which git does not: give it its work tree,
// the folder holding the `.git` file its git dir's `gitdir` names.
Repo with_worktree(git_repository* raw) {
  Repo repo(raw);
  if (git_repository_workdir(raw) == nullptr && git_repository_is_worktree(raw) != 0) {
    std::ifstream in(std::filesystem::path(git_repository_path(raw)) / "gitdir");
    std::string dot_git;
    if (std::getline(in, dot_git) && !dot_git.empty()) {
      const auto top = std::filesystem::path(dot_git).parent_path();
      check(git_repository_set_workdir(raw, top.c_str(), 0), "cannot open the worktree");
    }
  }
  return repo;
}

} // namespace

std::optional<Repo> discover() {
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check_open(rc);
  return with_worktree(raw);
}

namespace {

[[noreturn]] void not_a_repository() {
  throw Error("not a git repository (or any of the parent directories)", exit_code::fatal,
              {"run git wave inside a repository; 'git init' makes one"});
}

} // namespace

Repo open() {
  auto repo = discover();
  if (!repo) {
    not_a_repository();
  }
  return std::move(*repo);
}

Repo open_from_env() {
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  if (rc == GIT_ENOTFOUND) {
    not_a_repository();
  }
  check(rc, "cannot open repository");
  return Repo(raw);
}

Repo open_for_hook() {
  git_repository* raw = nullptr;
  const char* git_dir = std::getenv("GIT_DIR");
  const int rc = git_dir != nullptr && *git_dir != '\0'
                     ? git_repository_open_ext(&raw, git_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr)
                     : git_repository_open_ext(&raw, ".", 0, std::getenv("GIT_CEILING_DIRECTORIES"));
  if (rc == GIT_ENOTFOUND) {
    not_a_repository();
  }
  check_open(rc);
  return with_worktree(raw);
}

Repo open(const std::filesystem::path& dir) {
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    throw Error(fmt::format("not a git repository (or any of the parent directories): {}", dir.string()));
  }
  check_open(rc);
  return with_worktree(raw);
}

void require_full_history(git_repository* repo) {
  if (git_repository_is_shallow(repo) != 1) {
    return;
  }
  throw Error(fmt::format("this repository is a shallow clone ('{}' lists where its history stops): git wave "
                          "walks the history of a run's branches, and libgit2 cannot walk past that point",
                          (common_dir(repo) / "shallow").string()),
              exit_code::fatal,
              {"fetch the whole history with 'git fetch --unshallow', then run the command again"});
}

std::filesystem::path workdir(git_repository* repo) {
  const char* wd = git_repository_workdir(repo);
  if (wd == nullptr) {
    throw Error("this operation must be run in a work tree", exit_code::fatal,
                {"git wave needs a repository with a working tree, not a bare one"});
  }
  std::string s = wd;
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

std::filesystem::path common_dir(git_repository* repo) {
  std::string s = git_repository_commondir(repo);
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

std::optional<std::string> current_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  const int rc = git_reference_lookup(&raw, repo, "HEAD");
  check(rc, "cannot read HEAD");
  const Reference head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return std::nullopt;
  }
  return std::string(branch_name(git_reference_symbolic_target(head.get())));
}

std::string_view branch_name(std::string_view ref) {
  constexpr std::string_view heads = "refs/heads/";
  return ref.starts_with(heads) ? ref.substr(heads.size()) : ref;
}

std::optional<git_oid> resolve_commit(git_repository* repo, std::string_view refname) {
  git_object* raw = nullptr;
  const std::string spec(refname);
  const int rc = git_revparse_single(&raw, repo, spec.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS) {
    return std::nullopt;
  }
  check(rc, fmt::format("cannot resolve '{}'", refname));
  const Object obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0) {
    return std::nullopt;
  }
  const Object commit(peeled);
  return *git_object_id(commit.get());
}

Commit lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo, &id), fmt::format("cannot read commit {}", oid_str(id)));
  return Commit(raw);
}

Tree commit_tree(git_commit* commit) {
  git_tree* raw = nullptr;
  check(git_commit_tree(&raw, commit), "cannot read commit tree");
  return Tree(raw);
}

std::optional<std::string> read_file(git_repository* repo, git_tree* tree, std::string_view path) {
  git_tree_entry* raw = nullptr;
  const std::string p(path);
  const int rc = git_tree_entry_bypath(&raw, tree, p.c_str());
  if (rc == GIT_ENOTFOUND) {
    return std::nullopt;
  }
  check(rc, fmt::format("cannot look up '{}'", path));
  const TreeEntry entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) {
    return std::nullopt;
  }
  git_blob* blob_raw = nullptr;
  check(git_blob_lookup(&blob_raw, repo, git_tree_entry_id(entry.get())),
        fmt::format("cannot read '{}'", path));
  const Blob blob(blob_raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> config_string(git_repository* repo, const char* key) {
  git_config* raw = nullptr;
  check(git_repository_config_snapshot(&raw, repo), "cannot read configuration");
  const Config cfg(raw);
  const char* value = nullptr;
  const int rc = git_config_get_string(&value, cfg.get(), key);
  if (rc == GIT_ENOTFOUND) {
    return std::nullopt;
  }
  check(rc, fmt::format("cannot read configuration '{}'", key));
  return std::string(value);
}

bool valid_ref_component(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return false;
  }
  const std::string ref = fmt::format("refs/heads/wave/x/{}", name);
  int valid = 0;
  if (git_reference_name_is_valid(&valid, ref.c_str()) < 0) {
    return false;
  }
  return valid != 0;
}

} // namespace wave::git
