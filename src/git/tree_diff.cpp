#include "git/tree_diff.hpp"

#include "git/check.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <cstring>

namespace wave::git {

namespace {

bool is_tree(const git_tree_entry* e) {
  return git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
}

// git's tree order (base_name_compare): a directory sorts as if its name
// ended in '/'. Equal only for the same name and the same tree-ness.
int entry_compare(const git_tree_entry* a, const git_tree_entry* b) {
  const char* na = git_tree_entry_name(a);
  const char* nb = git_tree_entry_name(b);
  const std::size_t la = std::strlen(na);
  const std::size_t lb = std::strlen(nb);
  const std::size_t len = la < lb ? la : lb;
  const int cmp = std::memcmp(na, nb, len);
  if (cmp != 0) {
    return cmp;
  }
  const auto ca = static_cast<unsigned char>(len < la ? na[len] : (is_tree(a) ? '/' : '\0'));
  const auto cb = static_cast<unsigned char>(len < lb ? nb[len] : (is_tree(b) ? '/' : '\0'));
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

unsigned file_type(git_filemode_t mode) {
  return static_cast<unsigned>(mode) & 0170000U;
}

class Walker {
public:
  Walker(git_repository* repo, const TreeChangeFn& fn) : m_repo(repo), m_fn(fn) {}

  void diff(git_tree* old_tree, git_tree* new_tree, std::string& prefix) {
    const std::size_t n_old = old_tree != nullptr ? git_tree_entrycount(old_tree) : 0;
    const std::size_t n_new = new_tree != nullptr ? git_tree_entrycount(new_tree) : 0;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n_old || j < n_new) {
      const git_tree_entry* a = i < n_old ? git_tree_entry_byindex(old_tree, i) : nullptr;
      const git_tree_entry* b = j < n_new ? git_tree_entry_byindex(new_tree, j) : nullptr;
      int cmp = 0;
      if (a == nullptr) {
        cmp = 1;
      } else if (b == nullptr) {
        cmp = -1;
      } else {
        cmp = entry_compare(a, b);
      }
      if (cmp < 0) {
        one_side(a, prefix, TreeChange::Kind::deleted);
        ++i;
      } else if (cmp > 0) {
        one_side(b, prefix, TreeChange::Kind::added);
        ++j;
      } else {
        both(a, b, prefix);
        ++i;
        ++j;
      }
    }
  }

private:
  Tree lookup(const git_tree_entry* e) {
    git_tree* raw = nullptr;
    check(git_tree_lookup(&raw, m_repo, git_tree_entry_id(e)),
          fmt::format("cannot read tree {}", oid_str(*git_tree_entry_id(e))));
    return Tree(raw);
  }

  void push(std::string& prefix, const git_tree_entry* e) {
    prefix += git_tree_entry_name(e);
    prefix += '/';
  }

  void one_side(const git_tree_entry* e, std::string& prefix, TreeChange::Kind kind) {
    const std::size_t keep = prefix.size();
    if (is_tree(e)) {
      const Tree sub = lookup(e);
      push(prefix, e);
      if (kind == TreeChange::Kind::added) {
        diff(nullptr, sub.get(), prefix);
      } else {
        diff(sub.get(), nullptr, prefix);
      }
      prefix.resize(keep);
      return;
    }
    if (kind == TreeChange::Kind::added) {
      emit(kind, prefix, nullptr, e);
    } else {
      emit(kind, prefix, e, nullptr);
    }
  }

  void both(const git_tree_entry* a, const git_tree_entry* b, std::string& prefix) {
    const bool same_id = git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) != 0;
    if (is_tree(a)) {
      if (same_id) {
        return; // the whole subtree is identical: never read it
      }
      const Tree ta = lookup(a);
      const Tree tb = lookup(b);
      const std::size_t keep = prefix.size();
      push(prefix, a);
      diff(ta.get(), tb.get(), prefix);
      prefix.resize(keep);
      return;
    }
    if (same_id && git_tree_entry_filemode(a) == git_tree_entry_filemode(b)) {
      return;
    }
    emit(TreeChange::Kind::modified, prefix, a, b);
  }

  // Reuses one TreeChange so its path keeps its capacity across calls.
  void emit(TreeChange::Kind kind, const std::string& prefix, const git_tree_entry* a,
            const git_tree_entry* b) {
    m_change.kind = kind;
    m_change.path.assign(prefix).append(git_tree_entry_name(a != nullptr ? a : b));
    m_change.old_mode = a != nullptr ? git_tree_entry_filemode(a) : GIT_FILEMODE_UNREADABLE;
    m_change.new_mode = b != nullptr ? git_tree_entry_filemode(b) : GIT_FILEMODE_UNREADABLE;
    if (a != nullptr) {
      git_oid_cpy(&m_change.old_oid, git_tree_entry_id(a));
    } else {
      std::memset(&m_change.old_oid, 0, sizeof m_change.old_oid);
    }
    if (b != nullptr) {
      git_oid_cpy(&m_change.new_oid, git_tree_entry_id(b));
    } else {
      std::memset(&m_change.new_oid, 0, sizeof m_change.new_oid);
    }
    m_fn(m_change);
  }

  git_repository* m_repo;
  const TreeChangeFn& m_fn;
  TreeChange m_change;
};

} // namespace

char TreeChange::status() const noexcept {
  switch (kind) {
  case Kind::added:
    return 'A';
  case Kind::deleted:
    return 'D';
  case Kind::modified:
    break;
  }
  return file_type(old_mode) == file_type(new_mode) ? 'M' : 'T';
}

void diff_trees(git_repository* repo, git_tree* old_tree, git_tree* new_tree, const TreeChangeFn& fn) {
  if (old_tree != nullptr && new_tree != nullptr &&
      git_oid_equal(git_tree_id(old_tree), git_tree_id(new_tree)) != 0) {
    return;
  }
  Walker walker(repo, fn);
  std::string prefix;
  walker.diff(old_tree, new_tree, prefix);
}

std::vector<TreeChange> diff_trees(git_repository* repo, git_tree* old_tree, git_tree* new_tree) {
  std::vector<TreeChange> out;
  diff_trees(repo, old_tree, new_tree, [&out](const TreeChange& c) { out.push_back(c); });
  return out;
}

std::vector<TreeChange> diff_commits(git_repository* repo, const git_oid& old_commit,
                                     const git_oid& new_commit) {
  const Commit a = lookup_commit(repo, old_commit);
  const Commit b = lookup_commit(repo, new_commit);
  const Tree ta = commit_tree(a.get());
  const Tree tb = commit_tree(b.get());
  return diff_trees(repo, ta.get(), tb.get());
}

} // namespace wave::git
