#include "gate/audit.hpp"

#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/tree_diff.hpp"
#include "plan/aliases.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace wave::gate {

std::vector<git_oid> landing_bases(git_repository* repo, const git_oid& tip, const git_oid& base,
                                   const std::vector<git_oid>& onto) {
  std::vector<git_oid> out{base};
  const auto add = [&out](const git_oid& id) {
    for (const auto& have : out) {
      if (git_oid_equal(&have, &id) != 0) {
        return;
      }
    }
    out.push_back(id);
  };
  for (const auto& o : onto) {
    git_oidarray bases{};
    const int rc = git_merge_bases(&bases, repo, &tip, &o);
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      continue; // unrelated histories: the candidate's merge refuses them
    }
    git::check(rc, fmt::format("cannot find where {} and {} meet", git::oid_str(tip), git::oid_str(o)));
    for (std::size_t i = 0; i < bases.count; ++i) {
      add(bases.ids[i]);
    }
    git_oidarray_dispose(&bases);
  }
  return out;
}

std::vector<TouchedPath> branch_paths(git_repository* repo, const git_oid& tip, const git_oid& base,
                                      const std::vector<git_oid>& onto) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk history");
  const git::RevWalk walk(raw);
  git::check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "cannot walk history");
  git::check(git_revwalk_push(walk.get(), &tip), fmt::format("cannot walk from {}", git::oid_str(tip)));
  git::check(git_revwalk_hide(walk.get(), &base), fmt::format("cannot walk from {}", git::oid_str(base)));
  for (const auto& h : onto) {
    git::check(git_revwalk_hide(walk.get(), &h), fmt::format("cannot walk from {}", git::oid_str(h)));
  }
  std::map<std::string, git_oid> first;
  git_oid id;
  while (true) {
    const int rc = git_revwalk_next(&id, walk.get());
    if (rc == GIT_ITEROVER) {
      break;
    }
    git::check(rc, "cannot walk history");
    const git::Commit commit = git::lookup_commit(repo, id);
    const git::Tree tree = git::commit_tree(commit.get());
    // Against the first parent only: whatever a merge brings in from its
    // other parents is a change the merge makes on this branch.
    git::Tree parent_tree;
    if (git_commit_parentcount(commit.get()) > 0) {
      const git::Commit parent = git::lookup_commit(repo, *git_commit_parent_id(commit.get(), 0));
      parent_tree = git::commit_tree(parent.get());
    }
    git::diff_trees(repo, parent_tree.get(), tree.get(),
                    [&first, &id](const git::TreeChange& c) { first.emplace(c.path, id); });
  }
  // The net change lands whatever the history says: a tip moved back to an
  // older commit, or one whose history moves the merge base (a merge "-s
  // ours" of newer history), changes paths no commit of the walk does.
  const git::Commit tip_commit = git::lookup_commit(repo, tip);
  const git::Tree tip_tree = git::commit_tree(tip_commit.get());
  for (const auto& from : landing_bases(repo, tip, base, onto)) {
    const git::Commit from_commit = git::lookup_commit(repo, from);
    const git::Tree from_tree = git::commit_tree(from_commit.get());
    git::diff_trees(repo, from_tree.get(), tip_tree.get(),
                    [&first, &tip](const git::TreeChange& c) { first.emplace(c.path, tip); });
  }
  std::vector<TouchedPath> out;
  out.reserve(first.size());
  for (const auto& [path, commit] : first) {
    out.push_back({path, commit});
  }
  return out;
}

std::string Finding::describe() const {
  std::string what;
  if (alias) {
    std::vector<std::string> quoted;
    for (const auto& o : owners) {
      quoted.push_back(util::quote(o));
    }
    what = fmt::format("{} is one file on macOS and Windows with {}", util::quote(path),
                       is_protected ? std::string("a protected path")
                                    : fmt::format("a path owned by {}", util::join(quoted, ", ")));
  } else if (is_protected) {
    what = fmt::format("{} is protected", util::quote(path));
  } else if (owners.empty()) {
    what = fmt::format("{} is owned by no agent", util::quote(path));
  } else {
    std::vector<std::string> quoted;
    for (const auto& o : owners) {
      quoted.push_back(util::quote(o));
    }
    what = fmt::format("{} is owned by {}", util::quote(path), util::join(quoted, ", "));
  }
  if (!git_oid_is_zero(&commit)) {
    what += fmt::format(" (commit {})", git::short_oid(commit));
  }
  return what;
}

std::vector<Finding> audit(const plan::Plan& plan, const plan::Ownership& ownership, std::size_t agent_index,
                           const std::vector<TouchedPath>& paths) {
  std::vector<std::string> names;
  names.reserve(paths.size());
  for (const auto& p : paths) {
    names.push_back(p.path);
  }
  std::map<std::string, git_oid> commit_of;
  for (const auto& p : paths) {
    commit_of.emplace(p.path, p.commit);
  }
  std::vector<Finding> out;
  for (const auto& v : ownership.violations(agent_index, names)) {
    Finding f;
    f.agent = plan.agents[agent_index].name;
    f.path = v.path;
    f.commit = commit_of[v.path];
    f.is_protected = v.is_protected;
    for (const auto o : v.owners) {
      f.owners.push_back(plan.agents[o].name);
    }
    out.push_back(std::move(f));
  }
  if (plan.case_sensitive) {
    return out;
  }
  // The owned paths, folded, against the plan's patterns, folded. When
  // folding changes neither a path nor a pattern, the folded lookup is the
  // exact one: nothing to compare (the common case costs one pass).
  std::set<std::string> refused;
  for (const auto& f : out) {
    refused.insert(f.path);
  }
  std::vector<std::string> folded_paths;
  std::vector<std::size_t> owned;
  bool path_changed = false;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (refused.count(names[i]) == 0) {
      folded_paths.push_back(plan::fold_path(names[i]));
      path_changed = path_changed || folded_paths.back() != names[i];
      owned.push_back(i);
    }
  }
  if (owned.empty()) {
    return out;
  }
  auto folded = plan::folded_plan(plan);
  if (!folded && !path_changed) {
    return out;
  }
  const plan::Ownership folded_ownership(folded ? *folded : plan);
  for (std::size_t k = 0; k < owned.size(); ++k) {
    // Only who owns it once folded, not as spelt: agents of later waves
    // may own the very same paths.
    const auto who = folded_ownership.lookup(folded_paths[k]);
    const auto exact = ownership.lookup(names[owned[k]]);
    std::vector<std::string> others;
    for (const auto o : who.owners) {
      if (std::find(exact.owners.begin(), exact.owners.end(), o) == exact.owners.end()) {
        others.push_back(plan.agents[o].name);
      }
    }
    if (others.empty() && !who.is_protected) {
      continue;
    }
    Finding f;
    f.agent = plan.agents[agent_index].name;
    f.path = names[owned[k]];
    f.commit = commit_of[f.path];
    f.is_protected = who.is_protected;
    f.owners = std::move(others);
    f.alias = true;
    out.push_back(std::move(f));
  }
  return out;
}

bool same_entry(git_tree* a, git_tree* b, const std::string& path) {
  auto entry = [&path](git_tree* tree) {
    git_tree_entry* raw = nullptr;
    if (tree == nullptr) {
      return git::TreeEntry();
    }
    const int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      return git::TreeEntry();
    }
    git::check(rc, fmt::format("cannot read {}", util::quote(path)));
    return git::TreeEntry(raw);
  };
  const git::TreeEntry x = entry(a);
  const git::TreeEntry y = entry(b);
  if (!x || !y) {
    return !x && !y;
  }
  return git_tree_entry_filemode(x.get()) == git_tree_entry_filemode(y.get()) &&
         git_oid_equal(git_tree_entry_id(x.get()), git_tree_entry_id(y.get())) != 0;
}

std::vector<Finding> take_restored(git_repository* repo, const std::vector<git_oid>& bases, git_tree* tip,
                                   std::vector<Finding>& findings) {
  std::vector<Finding> restored;
  if (findings.empty()) {
    return restored;
  }
  std::vector<git::Tree> trees;
  for (const auto& b : bases) {
    const git::Commit commit = git::lookup_commit(repo, b);
    trees.push_back(git::commit_tree(commit.get()));
  }
  std::vector<Finding> kept;
  for (auto& f : findings) {
    const bool as_everywhere = std::all_of(trees.begin(), trees.end(),
                                           [&](const git::Tree& t) { return same_entry(t.get(), tip, f.path); });
    (!trees.empty() && as_everywhere ? restored : kept).push_back(std::move(f));
  }
  findings = std::move(kept);
  return restored;
}

std::vector<Finding> take_restored(git_repository* repo, const std::vector<git_oid>& bases,
                                   const git_oid& tip_commit, std::vector<Finding>& findings) {
  if (findings.empty()) {
    return {};
  }
  const git::Commit tip = git::lookup_commit(repo, tip_commit);
  const git::Tree tree = git::commit_tree(tip.get());
  return take_restored(repo, bases, tree.get(), findings);
}

} // namespace wave::gate
