#include "gate/rebuild.hpp"

#include "core/error.hpp"
#include "gate/audit.hpp"
#include "gate/candidate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::gate {

namespace {

bool contains(git_repository* repo, const git_oid& later, const git_oid& earlier) {
  const bool yes =
      git_oid_equal(&later, &earlier) != 0 || git_graph_descendant_of(repo, &later, &earlier) == 1;
  git_error_clear();
  return yes;
}

} // namespace

std::optional<std::string> rebuild_problem(git_repository* repo, const plan::Plan& plan,
                                           const run::State& state, const run::WaveRun& w) {
  if (!w.gate) {
    return "it has no gate record";
  }
  const auto& g = *w.gate;
  const auto onto = git::parse_oid(g.base);
  const auto recorded = git::parse_oid(g.candidate);
  if (!onto || !recorded) {
    return "its gate record names no valid base or candidate";
  }
  CandidateSpec spec;
  spec.run = state.run;
  spec.wave = w.label;
  spec.onto = *onto;
  spec.style = plan.merge;
  const plan::Ownership ownership(plan);
  std::size_t last_index = 0;
  for (std::size_t i = 0; i < g.tips.size(); ++i) {
    const auto& [agent, hex] = g.tips[i];
    const auto index = plan.find(agent);
    const run::AgentRun* a = w.find(agent);
    const auto tip = git::parse_oid(hex);
    if (!index || a == nullptr || !tip) {
      return fmt::format("its gate record names agent '{}', which is not an agent of the wave in the plan",
                         util::escape_control(agent));
    }
    if (i > 0 && *index <= last_index) {
      return "its gate record does not name the agents in plan order";
    }
    last_index = *index;
    const auto base = git::parse_oid(a->base.empty() ? w.base : a->base);
    if (!base || !contains(repo, *tip, *base) || !contains(repo, *onto, *base)) {
      return fmt::format(
          "agent '{}' is recorded at a base that is not below both its tip and the gate's base", agent);
    }
    // What lands holds only what each agent owns, whoever recorded the
    // gate, measured as the gate does: next to the base and the other tips.
    std::vector<git_oid> next_to{*onto};
    for (std::size_t j = 0; j < g.tips.size(); ++j) {
      if (const auto other = git::parse_oid(g.tips[j].second); other && j != i) {
        next_to.push_back(*other);
      }
    }
    auto found = audit(plan, ownership, *index, branch_paths(repo, *tip, *base, next_to));
    take_restored(repo, landing_bases(repo, *tip, *base, next_to), *tip, found);
    if (!found.empty()) {
      return fmt::format("agent '{}' changes what it does not own: {}", agent, found.front().describe());
    }
    const auto& p = plan.agents[*index];
    spec.branches.push_back({agent, p.task, run::branch_of(state.run, *a), *base, *tip, plan::title_of(p)});
  }
  if (g.tips.size() != w.agents.size()) {
    return "its gate record does not name every agent of the wave";
  }
  Candidate built;
  try {
    built = build_candidate(repo, spec);
  } catch (const Error& e) {
    return fmt::format("its candidate cannot be rebuilt: {}", e.what());
  }
  if (built.conflict) {
    return fmt::format("its recorded tips do not merge: agent '{}' conflicts", built.conflict->agent);
  }
  // Walked side by side down the first parents to the base: the same trees
  // and the same other parents (the agents' tips), so that what lands holds
  // no history but theirs.
  git_oid r = *recorded;
  git_oid b = built.commit;
  while (git_oid_equal(&b, &*onto) == 0) {
    if (git_oid_equal(&r, &*onto) != 0) {
      return fmt::format("its candidate {} is not the merge of the recorded tips onto {}",
                         git::short_oid(*recorded), git::short_oid(*onto));
    }
    git_commit* rc = nullptr;
    if (git_commit_lookup(&rc, repo, &r) != 0) {
      git_error_clear();
      return fmt::format("its candidate {} is not in this clone", git::short_oid(*recorded));
    }
    const git::Commit rcommit(rc);
    const git::Commit bcommit = git::lookup_commit(repo, b);
    const unsigned n = git_commit_parentcount(bcommit.get());
    bool same = git_oid_equal(git_commit_tree_id(rcommit.get()), git_commit_tree_id(bcommit.get())) != 0 &&
                git_commit_parentcount(rcommit.get()) == n && n > 0;
    for (unsigned i = 1; same && i < n; ++i) {
      same =
          git_oid_equal(git_commit_parent_id(rcommit.get(), i), git_commit_parent_id(bcommit.get(), i)) != 0;
    }
    if (!same) {
      return fmt::format("its candidate {} is not the merge of the recorded tips onto {} (that would be {})",
                         git::short_oid(*recorded), git::short_oid(*onto), git::short_oid(built.commit));
    }
    r = *git_commit_parent_id(rcommit.get(), 0);
    b = *git_commit_parent_id(bcommit.get(), 0);
  }
  if (git_oid_equal(&r, &*onto) == 0) {
    return fmt::format("its candidate {} is not the merge of the recorded tips onto {}",
                       git::short_oid(*recorded), git::short_oid(*onto));
  }
  return std::nullopt;
}

} // namespace wave::gate
