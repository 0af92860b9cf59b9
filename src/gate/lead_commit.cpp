#include "gate/lead_commit.hpp"

#include "core/error.hpp"
#include "gate/gate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

namespace wave::gate {

WorktreeSnapshot::~WorktreeSnapshot() = default;

std::optional<WorktreeSnapshot> WorktreeSnapshot::take(const std::filesystem::path& worktree,
                                                       const std::string& branch) {
  std::error_code ec;
  if (!std::filesystem::is_directory(worktree, ec)) {
    throw Error(
        fmt::format("worktree '{}' of branch '{}' is missing", worktree.string(), git::branch_name(branch)),
        exit_code::fatal, {"recreate it with 'git worktree add' or abort the wave"});
  }
  WorktreeSnapshot s;
  s.m_worktree = worktree;
  s.m_branch = branch;
  git_repository* raw_repo = nullptr;
  git::check(git_repository_open(&raw_repo, worktree.c_str()),
             fmt::format("cannot open worktree '{}'", worktree.string()));
  s.m_repo.reset(raw_repo);

  git_reference* raw_head = nullptr;
  git::check(git_reference_lookup(&raw_head, s.m_repo.get(), "HEAD"), "cannot read HEAD");
  const git::Reference head(raw_head);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC ||
      branch != git_reference_symbolic_target(head.get())) {
    throw Error(
        fmt::format("worktree '{}' does not have branch '{}' checked out", worktree.string(),
                    git::branch_name(branch)),
        exit_code::fatal,
        {fmt::format("run 'git -C {} switch {}' first", worktree.string(), git::branch_name(branch))});
  }
  const auto tip = git::resolve_commit(s.m_repo.get(), branch);
  if (!tip) {
    throw Error(fmt::format("branch '{}' does not exist", git::branch_name(branch)));
  }
  s.m_head = *tip;

  git_index* raw_index = nullptr;
  git::check(git_repository_index(&raw_index, s.m_repo.get()), "cannot read the index");
  s.m_index.reset(raw_index);
  if (git_index_has_conflicts(s.m_index.get()) != 0) {
    throw Error(fmt::format("worktree '{}' has unresolved merge conflicts", worktree.string()),
                exit_code::fatal, {"resolve them (or let the agent do it), then run the gate again"});
  }
  // git add -A, in memory only.
  git::check(git_index_add_all(s.m_index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr),
             fmt::format("cannot read the files of '{}'", worktree.string()));
  git::check(git_index_update_all(s.m_index.get(), nullptr, nullptr, nullptr),
             fmt::format("cannot read the files of '{}'", worktree.string()));
  git::check(git_index_write_tree(&s.m_tree, s.m_index.get()), "cannot write the worktree's tree");

  const git::Commit head_commit = git::lookup_commit(s.m_repo.get(), s.m_head);
  const git::Tree head_tree = git::commit_tree(head_commit.get());
  git_tree* raw_tree = nullptr;
  git::check(git_tree_lookup(&raw_tree, s.m_repo.get(), &s.m_tree), "cannot read the worktree's tree");
  const git::Tree new_tree(raw_tree);
  s.m_changes = git::diff_trees(s.m_repo.get(), head_tree.get(), new_tree.get());
  if (s.m_changes.empty()) {
    return std::nullopt;
  }
  return s;
}

git_oid WorktreeSnapshot::commit(const std::string& message) {
  const git_oid id = write_commit(message);
  git_reference* raw_ref = nullptr;
  const std::string reflog = fmt::format("git wave commit: {}", message.substr(0, message.find('\n')));
  const int moved = git_reference_create_matching(&raw_ref, m_repo.get(), m_branch.c_str(), &id, 1, &m_head,
                                                  reflog.c_str());
  if (moved == GIT_EMODIFIED) {
    throw Error(
        fmt::format("branch '{}' moved while its worktree was being committed", git::branch_name(m_branch)),
        exit_code::fatal, {"nothing was committed; run the command again"});
  }
  git::check(moved, fmt::format("cannot update '{}'", m_branch));
  git::Reference ref(raw_ref);
  // The index now holds exactly the committed tree, with the files' stat data.
  git::check(git_index_write(m_index.get()),
             fmt::format("cannot write the index of '{}'", m_worktree.string()));
  m_head = id;
  return id;
}

git_oid WorktreeSnapshot::write_commit(const std::string& message) {
  git_signature* raw_sig = nullptr;
  const int rc = git_signature_default(&raw_sig, m_repo.get());
  if (rc == GIT_ENOTFOUND) {
    throw Error(
        "cannot commit: no committer identity", exit_code::fatal,
        {"set one with 'git config user.name \"Your Name\"' and 'git config user.email you@example.com'"});
  }
  git::check(rc, "cannot read the committer identity");
  const git::Signature sig(raw_sig);

  const git::Commit parent = git::lookup_commit(m_repo.get(), m_head);
  git_tree* raw_tree = nullptr;
  git::check(git_tree_lookup(&raw_tree, m_repo.get(), &m_tree), "cannot read the worktree's tree");
  const git::Tree tree(raw_tree);
  const git_commit* parents[] = {parent.get()};
  git_oid id;
  git::check(git_commit_create(&id, m_repo.get(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                               tree.get(), 1, parents),
             "cannot write the commit");
  return id;
}

LeadCommit commit_agent(const GateInput& in, const AgentInput& a) {
  LeadCommit lc;
  lc.agent = a.name;
  std::optional<WorktreeSnapshot> snap;
  try {
    snap = WorktreeSnapshot::take(a.worktree, a.branch);
  } catch (const Error& e) {
    lc.error = e.what();
    return lc;
  }
  if (!snap) {
    return lc;
  }
  lc.files = snap->changes().size();
  std::vector<TouchedPath> touched;
  touched.reserve(snap->changes().size());
  for (const auto& c : snap->changes()) {
    touched.push_back({c.path, git_oid{}});
  }
  lc.refused = audit(*in.plan, *in.ownership, a.plan_index, touched);
  if (!lc.refused.empty()) {
    return lc; // the snapshot is dropped: the worktree is as the agent left it
  }
  try {
    lc.commit = snap->commit(a.task.empty() ? a.name : a.task);
  } catch (const Error& e) {
    lc.error = e.what();
  }
  return lc;
}

std::vector<LeadCommit> commit_agents(const GateInput& in, const std::vector<std::size_t>& which) {
  std::vector<LeadCommit> out;
  for (const auto i : which) {
    out.push_back(commit_agent(in, in.agents.at(i)));
  }
  return out;
}

} // namespace wave::gate
