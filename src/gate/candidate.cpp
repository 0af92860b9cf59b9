#include "gate/candidate.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/identity.hpp"
#include "git/repo.hpp"
#include "git/tree_diff.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace wave::gate {

namespace {

struct Signatures {
  git::Signature author;
  git::Signature committer;
};

// Every path changed so far on top of the integration tip, and every folder
// above one, so that a later branch can be checked for overlap in O(depth).
class Touched {
public:
  void add(const std::string& path) {
    m_files.insert(path);
    for (auto pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
      m_dirs.insert(path.substr(0, pos));
    }
  }

  // Does a change at `path` meet an earlier one: the same path, a file where
  // an earlier change has a folder, or a folder where it has a file?
  bool hits(const std::string& path) const {
    if (m_files.count(path) != 0 || m_dirs.count(path) != 0) {
      return true;
    }
    for (auto pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
      if (m_files.count(path.substr(0, pos)) != 0) {
        return true;
      }
    }
    return false;
  }

  void clear() {
    m_files.clear();
    m_dirs.clear();
  }

private:
  std::unordered_set<std::string> m_files;
  std::unordered_set<std::string> m_dirs;
};

// A branch whose own changes replace a file by a folder (or back) cannot be
// applied with git_tree_create_updated, which does not support that.
bool changes_nest(const std::vector<git::TreeChange>& changes) {
  Touched own;
  for (const auto& c : changes) {
    if (own.hits(c.path)) {
      return true;
    }
    own.add(c.path);
  }
  return false;
}

git::Tree lookup_tree(git_repository* repo, const git_oid& id) {
  git_tree* raw = nullptr;
  git::check(git_tree_lookup(&raw, repo, &id), fmt::format("cannot read tree {}", git::oid_str(id)));
  return git::Tree(raw);
}

git_oid apply_changes(git_repository* repo, git_tree* baseline, const std::vector<git::TreeChange>& changes) {
  if (changes.empty()) {
    return *git_tree_id(baseline);
  }
  std::vector<git_tree_update> updates;
  updates.reserve(changes.size());
  for (const auto& c : changes) {
    git_tree_update u{};
    u.path = c.path.c_str();
    if (c.kind == git::TreeChange::Kind::deleted) {
      u.action = GIT_TREE_UPDATE_REMOVE;
    } else {
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.id = c.new_oid;
      u.filemode = c.new_mode;
    }
    updates.push_back(u);
  }
  git_oid out;
  git::check(git_tree_create_updated(&out, repo, baseline, updates.size(), updates.data()),
             "cannot write the candidate tree");
  return out;
}

std::vector<std::string> conflict_paths(git_index* index) {
  git_index_conflict_iterator* raw = nullptr;
  git::check(git_index_conflict_iterator_new(&raw, index), "cannot read merge conflicts");
  std::unique_ptr<git_index_conflict_iterator, git::Free<git_index_conflict_iterator_free>> it(raw);
  std::vector<std::string> paths;
  const git_index_entry* ancestor = nullptr;
  const git_index_entry* ours = nullptr;
  const git_index_entry* theirs = nullptr;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, it.get()) == 0) {
    const git_index_entry* any = ours != nullptr ? ours : (theirs != nullptr ? theirs : ancestor);
    if (any != nullptr) {
      paths.emplace_back(any->path);
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

// Merges `tip` into `current` with libgit2's 3-way merge. Returns the tree, or
// the conflicting paths.
std::optional<git_oid> merge_trees(git_repository* repo, const git_oid& current, const git_oid& tip,
                                   std::vector<std::string>& conflicts) {
  const git::Commit ours = git::lookup_commit(repo, current);
  const git::Commit theirs = git::lookup_commit(repo, tip);
  git_merge_options opts = GIT_MERGE_OPTIONS_INIT;
  git_index* raw = nullptr;
  git::check(git_merge_commits(&raw, repo, ours.get(), theirs.get(), &opts), "cannot merge");
  const git::Index index(raw);
  if (git_index_has_conflicts(index.get()) != 0) {
    conflicts = conflict_paths(index.get());
    return std::nullopt;
  }
  git_oid tree;
  git::check(git_index_write_tree_to(&tree, index.get(), repo), "cannot write the merged tree");
  return tree;
}

struct Done {
  std::string agent;
  std::unordered_set<std::string> paths;
};

Conflict describe_conflict(const Branch& b, std::vector<std::string> paths, const std::vector<Done>& done) {
  Conflict c;
  c.agent = b.agent;
  for (const auto& d : done) {
    for (const auto& p : paths) {
      if (d.paths.count(p) != 0) {
        c.with.push_back(d.agent);
        break;
      }
    }
  }
  if (c.with.empty()) {
    c.with.emplace_back("the integration branch");
  }
  c.paths = std::move(paths);
  return c;
}

git_oid write_commit(git_repository* repo, const Signatures& sig, const std::string& message,
                     const git_oid& tree_id, const std::vector<git_oid>& parent_ids) {
  const git::Tree tree = lookup_tree(repo, tree_id);
  std::vector<git::Commit> parents;
  std::vector<const git_commit*> raw;
  for (const auto& id : parent_ids) {
    parents.push_back(git::lookup_commit(repo, id));
    raw.push_back(parents.back().get());
  }
  git_oid out;
  git::check(git_commit_create(&out, repo, nullptr, sig.author.get(), sig.committer.get(), nullptr, message.c_str(), tree.get(),
                               raw.size(), raw.data()),
             "cannot write the candidate commit");
  return out;
}

} // namespace

std::string merge_message(const CandidateSpec& spec, const Branch& b, const std::string& commits) {
  const std::string trailers =
      fmt::format("Wave-Run: {}\nWave: {}\nWave-Agent: {}\n", spec.run, spec.wave, b.agent);
  plan::Agent agent;
  agent.name = b.agent;
  agent.task = b.task;
  agent.title = b.title;
  const std::string title = plan::title_of(agent);
  const std::string task(util::trim(b.task));
  std::string body;
  if (!task.empty() && task != title) {
    body += task + "\n\n";
  }
  if (spec.style == plan::MergeStyle::squash) {
    if (!commits.empty()) {
      body += fmt::format("Commits of {}:\n\n{}\n", b.branch, commits);
    }
    return fmt::format("{}\n\n{}{}", title, body, trailers);
  }
  return fmt::format("Merge wave {} agent '{}': {}\n\n{}Branch: {}\n{}", spec.wave, b.agent, title, body,
                     b.branch, trailers);
}

std::string squashed_messages(git_repository* repo, const Branch& b) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk history");
  const git::RevWalk walk(raw);
  git::check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "cannot walk history");
  git::check(git_revwalk_push(walk.get(), &b.tip), "cannot walk history");
  git::check(git_revwalk_hide(walk.get(), &b.base), "cannot walk history");
  std::string out;
  git_oid id;
  while (git_revwalk_next(&id, walk.get()) == 0) {
    const git::Commit c = git::lookup_commit(repo, id);
    const std::string message(util::trim(git_commit_message(c.get())));
    const auto lines = util::split(message, '\n');
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += i == 0 ? "* " + lines[i] + "\n" : lines[i].empty() ? std::string("\n") : "  " + lines[i] + "\n";
    }
  }
  return out;
}

Candidate build_candidate(git_repository* repo, const CandidateSpec& spec) {
  const std::filesystem::path dir = git::common_dir(repo);
  const Signatures sig{git::require_identity(dir, git::Role::author),
                       git::require_identity(dir, git::Role::committer)};
  const git::Commit onto = git::lookup_commit(repo, spec.onto);
  const git::Tree onto_tree = git::commit_tree(onto.get());

  Candidate out;
  out.commit = spec.onto;
  git::Tree current_tree = lookup_tree(repo, *git_tree_id(onto_tree.get()));
  Touched touched;
  std::vector<Done> done;
  const bool squash = spec.style == plan::MergeStyle::squash;

  for (const auto& b : spec.branches) {
    Applied applied;
    applied.agent = b.agent;
    applied.commit = out.commit;
    const bool no_commits = git_oid_equal(&b.tip, &b.base) != 0 || git_oid_equal(&b.tip, &out.commit) != 0 ||
                            git_graph_descendant_of(repo, &out.commit, &b.tip) == 1;
    if (no_commits) {
      out.applied.push_back(applied);
      continue;
    }
    const auto changes = git::diff_commits(repo, b.base, b.tip);
    bool fast = git_oid_equal(&b.base, &spec.onto) != 0 && !changes_nest(changes);
    for (std::size_t i = 0; fast && i < changes.size(); ++i) {
      fast = !touched.hits(changes[i].path);
    }

    git_oid tree_id;
    if (fast) {
      tree_id = apply_changes(repo, current_tree.get(), changes);
    } else {
      std::vector<std::string> conflicts;
      const auto merged = merge_trees(repo, out.commit, b.tip, conflicts);
      if (!merged) {
        out.conflict = describe_conflict(b, std::move(conflicts), done);
        return out;
      }
      tree_id = *merged;
    }

    Done d{b.agent, {}};
    for (const auto& c : changes) {
      d.paths.insert(c.path);
    }
    done.push_back(std::move(d));

    if (squash && git_oid_equal(&tree_id, git_tree_id(current_tree.get())) != 0) {
      out.applied.push_back(applied); // nothing left to squash
      continue;
    }
    std::vector<git_oid> parents{out.commit};
    if (!squash) {
      parents.push_back(b.tip);
    }
    out.commit = write_commit(repo, sig, merge_message(spec, b, squash ? squashed_messages(repo, b) : std::string()),
                              tree_id, parents);
    current_tree = lookup_tree(repo, tree_id);
    if (fast) {
      for (const auto& c : changes) {
        touched.add(c.path);
      }
    } else {
      // A real merge may place changes elsewhere (renames): take the exact
      // difference from the integration tip.
      touched.clear();
      git::diff_trees(repo, onto_tree.get(), current_tree.get(),
                      [&touched](const git::TreeChange& c) { touched.add(c.path); });
    }
    applied.how = fast ? Applied::How::fast : Applied::How::merged;
    applied.commit = out.commit;
    out.applied.push_back(applied);
  }
  return out;
}

} // namespace wave::gate
