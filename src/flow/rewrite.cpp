#include "flow/rewrite.hpp"

#include "git/check.hpp"
#include "git/handle.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <map>

namespace wave::flow {

namespace {

struct OidLess {
  bool operator()(const git_oid& a, const git_oid& b) const noexcept { return git_oid_cmp(&a, &b) < 0; }
};

git::TreeEntry entry_at(git_tree* tree, const std::string& path) {
  git_tree_entry* raw = nullptr;
  const int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return git::TreeEntry();
  }
  git::check(rc, fmt::format("cannot read {}", util::quote(path)));
  return git::TreeEntry(raw);
}

// `tree` with `paths` as `base` has them.
git_oid reset_paths(git_repository* repo, git_tree* tree, git_tree* base,
                    const std::vector<std::string>& paths) {
  std::vector<git_tree_update> updates;
  for (const auto& path : paths) {
    const git::TreeEntry want = entry_at(base, path);
    const git::TreeEntry have = entry_at(tree, path);
    git_tree_update u{};
    u.path = path.c_str();
    if (want) {
      if (have && git_tree_entry_filemode(have.get()) == git_tree_entry_filemode(want.get()) &&
          git_oid_equal(git_tree_entry_id(have.get()), git_tree_entry_id(want.get())) != 0) {
        continue;
      }
      u.action = GIT_TREE_UPDATE_UPSERT;
      git_oid_cpy(&u.id, git_tree_entry_id(want.get()));
      u.filemode = git_tree_entry_filemode(want.get());
    } else {
      if (!have) {
        continue;
      }
      u.action = GIT_TREE_UPDATE_REMOVE;
    }
    updates.push_back(u);
  }
  if (updates.empty()) {
    return *git_tree_id(tree);
  }
  git_oid out;
  git::check(git_tree_create_updated(&out, repo, tree, updates.size(), updates.data()),
             "cannot write a rewritten tree");
  return out;
}

git::Tree tree_of(git_repository* repo, const git_oid& commit) {
  const git::Commit c = git::lookup_commit(repo, commit);
  return git::commit_tree(c.get());
}

} // namespace

Rewritten rewrite_without(git_repository* repo, const git_oid& tip, const std::vector<git_oid>& hide,
                          const git_oid& base, const std::vector<std::string>& paths) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk history");
  const git::RevWalk walk(raw);
  git::check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "cannot walk history");
  git::check(git_revwalk_push(walk.get(), &tip), fmt::format("cannot walk from {}", git::oid_str(tip)));
  for (const auto& h : hide) {
    git::check(git_revwalk_hide(walk.get(), &h), fmt::format("cannot walk from {}", git::oid_str(h)));
  }
  const git::Tree base_tree = tree_of(repo, base);
  std::map<git_oid, git_oid, OidLess> moved; // old commit -> its replay (or what replaces it)
  Rewritten out;
  git_oid id;
  while (true) {
    const int rc = git_revwalk_next(&id, walk.get());
    if (rc == GIT_ITEROVER) {
      break;
    }
    git::check(rc, "cannot walk history");
    const git::Commit commit = git::lookup_commit(repo, id);
    const git::Tree tree = git::commit_tree(commit.get());
    const git_oid new_tree_id = reset_paths(repo, tree.get(), base_tree.get(), paths);
    const unsigned n = git_commit_parentcount(commit.get());
    std::vector<git_oid> parents;
    bool parents_moved = false;
    for (unsigned p = 0; p < n; ++p) {
      const git_oid old = *git_commit_parent_id(commit.get(), p);
      const auto it = moved.find(old);
      parents.push_back(it == moved.end() ? old : it->second);
      parents_moved = parents_moved || (it != moved.end() && git_oid_equal(&it->second, &old) == 0);
    }
    const bool tree_changed = git_oid_equal(&new_tree_id, git_tree_id(tree.get())) == 0;
    if (!tree_changed && !parents_moved) {
      moved.emplace(id, id);
      continue;
    }
    if (n == 1) {
      const git::Tree old_parent_tree = tree_of(repo, *git_commit_parent_id(commit.get(), 0));
      const git::Tree new_parent_tree = tree_of(repo, parents[0]);
      const bool was_empty = git_oid_equal(git_tree_id(tree.get()), git_tree_id(old_parent_tree.get())) != 0;
      if (!was_empty && git_oid_equal(&new_tree_id, git_tree_id(new_parent_tree.get())) != 0) {
        moved.emplace(id, parents[0]);
        ++out.dropped;
        continue;
      }
    }
    git_tree* raw_tree = nullptr;
    git::check(git_tree_lookup(&raw_tree, repo, &new_tree_id), "cannot read a rewritten tree");
    const git::Tree new_tree(raw_tree);
    std::vector<git::Commit> parent_commits;
    std::vector<const git_commit*> parent_ptrs;
    for (const auto& p : parents) {
      parent_commits.push_back(git::lookup_commit(repo, p));
      parent_ptrs.push_back(parent_commits.back().get());
    }
    git_oid replay;
    git::check(git_commit_create(&replay, repo, nullptr, git_commit_author(commit.get()),
                                 git_commit_committer(commit.get()),
                                 git_commit_message_encoding(commit.get()),
                                 git_commit_message_raw(commit.get()), new_tree.get(), parent_ptrs.size(),
                                 parent_ptrs.data()),
               fmt::format("cannot write the replay of commit {}", git::short_oid(id)));
    moved.emplace(id, replay);
    ++out.commits;
  }
  const auto it = moved.find(tip);
  out.tip = it == moved.end() ? tip : it->second;
  return out;
}

} // namespace wave::flow
