#include "git/tree_diff.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <algorithm>
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

// Walks two trees side by side with an explicit stack: the depth of a tree
// is the input's to choose (an agent can push one 100,000 directories deep),
// so it never decides how deep this process's own stack goes. Past
// max_tree_depth it refuses, as git does with core.maxTreeDepth.
class Walker {
public:
  Walker(git_repository* repo, const TreeChangeFn& fn) : m_repo(repo), m_fn(fn) {}

  void run(git_tree* old_tree, git_tree* new_tree) {
    m_stack.push_back(Frame{{}, {}, old_tree, new_tree, 0, 0, 0});
    while (!m_stack.empty()) {
      step();
    }
  }

private:
  // One directory being compared. `own_*` keep the trees looked up for it
  // alive; the roots are the caller's.
  struct Frame {
    Tree own_old;
    Tree own_new;
    git_tree* old_tree;
    git_tree* new_tree;
    std::size_t i;
    std::size_t j;
    std::size_t prefix_len; // m_prefix's length at this directory
  };

  // Advances the top frame by one entry pair, or pops it when done.
  void step() {
    Frame& f = m_stack.back();
    m_prefix.resize(f.prefix_len);
    const std::size_t n_old = f.old_tree != nullptr ? git_tree_entrycount(f.old_tree) : 0;
    const std::size_t n_new = f.new_tree != nullptr ? git_tree_entrycount(f.new_tree) : 0;
    if (f.i >= n_old && f.j >= n_new) {
      m_stack.pop_back();
      return;
    }
    const git_tree_entry* a = f.i < n_old ? git_tree_entry_byindex(f.old_tree, f.i) : nullptr;
    const git_tree_entry* b = f.j < n_new ? git_tree_entry_byindex(f.new_tree, f.j) : nullptr;
    int cmp = 0;
    if (a == nullptr) {
      cmp = 1;
    } else if (b == nullptr) {
      cmp = -1;
    } else {
      cmp = entry_compare(a, b);
    }
    if (cmp < 0) {
      ++f.i;
      one_side(a, TreeChange::Kind::deleted);
    } else if (cmp > 0) {
      ++f.j;
      one_side(b, TreeChange::Kind::added);
    } else {
      ++f.i;
      ++f.j;
      both(a, b);
    }
  }

  Tree lookup(const git_tree_entry* e) {
    git_tree* raw = nullptr;
    check(git_tree_lookup(&raw, m_repo, git_tree_entry_id(e)),
          fmt::format("cannot read tree {}", oid_str(*git_tree_entry_id(e))));
    return Tree(raw);
  }

  // Enters directory `e` (a reference into the top frame's trees, which
  // stay alive below the new frame).
  void descend(const git_tree_entry* e, Tree old_sub, Tree new_sub) {
    if (m_stack.size() > max_tree_depth) {
      throw Error(fmt::format("tree {} is more than {} directories deep at '{}...'",
                              oid_str(*git_tree_entry_id(e)), max_tree_depth,
                              m_prefix.substr(0, std::min<std::size_t>(m_prefix.size(), 60))),
                  exit_code::fatal,
                  {"git refuses such trees too (core.maxTreeDepth); rewrite the commit that made it"});
    }
    m_prefix += git_tree_entry_name(e);
    m_prefix += '/';
    git_tree* o = old_sub.get();
    git_tree* n = new_sub.get();
    m_stack.push_back(Frame{std::move(old_sub), std::move(new_sub), o, n, 0, 0, m_prefix.size()});
  }

  void one_side(const git_tree_entry* e, TreeChange::Kind kind) {
    if (is_tree(e)) {
      Tree sub = lookup(e);
      if (kind == TreeChange::Kind::added) {
        descend(e, Tree(), std::move(sub));
      } else {
        descend(e, std::move(sub), Tree());
      }
      return;
    }
    if (kind == TreeChange::Kind::added) {
      emit(kind, nullptr, e);
    } else {
      emit(kind, e, nullptr);
    }
  }

  void both(const git_tree_entry* a, const git_tree_entry* b) {
    const bool same_id = git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) != 0;
    if (is_tree(a)) {
      if (!same_id) { // an identical subtree is never read
        descend(a, lookup(a), lookup(b));
      }
      return;
    }
    if (same_id && git_tree_entry_filemode(a) == git_tree_entry_filemode(b)) {
      return;
    }
    emit(TreeChange::Kind::modified, a, b);
  }

  // Reuses one TreeChange so its path keeps its capacity across calls.
  void emit(TreeChange::Kind kind, const git_tree_entry* a, const git_tree_entry* b) {
    m_change.kind = kind;
    m_change.path.assign(m_prefix).append(git_tree_entry_name(a != nullptr ? a : b));
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
  std::vector<Frame> m_stack;
  std::string m_prefix;
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
  Walker(repo, fn).run(old_tree, new_tree);
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
