#include "plan/owned.hpp"

#include <algorithm>

namespace wave::plan {

OwnedPatterns::OwnedPatterns(const Plan& plan, std::size_t budget, std::size_t pair_budget)
    : m_plan(plan), m_budget(budget), m_pair_budget(pair_budget) {
  m_owns.resize(plan.agents.size());
  m_protected = compile(plan.protected_paths);
  m_protected_index = std::make_unique<pattern::CandidateIndex>();
  for (std::size_t j = 0; j < m_protected.size(); ++j) {
    if (m_protected[j].glob) {
      m_protected_index->add(*m_protected[j].glob, static_cast<std::uint32_t>(j));
    }
  }
  m_protected_index->finish();
}

std::vector<OwnedPatterns::Entry> OwnedPatterns::compile(const std::vector<Located>& patterns) {
  std::vector<Entry> out;
  out.reserve(patterns.size());
  for (const auto& p : patterns) {
    auto compiled = pattern::Glob::compile(p.value);
    if (auto* glob = std::get_if<pattern::Glob>(&compiled)) {
      out.push_back({std::move(*glob)});
    } else {
      out.push_back({std::nullopt});
    }
  }
  return out;
}

const std::vector<OwnedPatterns::Entry>& OwnedPatterns::owns(std::size_t agent) const {
  auto& entries = m_owns[agent];
  if (!entries) {
    entries = compile(m_plan.agents[agent].owns);
  }
  return *entries;
}

pattern::OverlapResult OwnedPatterns::compare(const Entry& a, const Entry& b) const {
  if (!a.glob || !b.glob || exhausted()) {
    return {};
  }
  // Paths whose names hold glob characters exist only through git's literal
  // rule ("**/*.md" owns a file literally named "src/*.c/x.md"): no real tree
  // has them, so they do not make two agents overlap. A merge would still
  // catch two agents writing one such file.
  pattern::OverlapOptions options;
  options.plain_witness = true;
  options.budget = std::min(m_pair_budget, m_budget - m_work);
  auto result = pattern::decide_overlap(*a.glob, *b.glob, options);
  m_work += result.work;
  if (result.verdict == pattern::Verdict::undecided && exhausted()) {
    return {}; // the plan's budget ran out, not this pair's: exhausted() reports it
  }
  return result;
}

std::optional<Overlap> OwnedPatterns::overlap(std::size_t agent, std::size_t other) const {
  const auto& mine = owns(agent);
  const auto& theirs = owns(other);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    for (std::size_t j = 0; j < theirs.size(); ++j) {
      auto result = compare(mine[i], theirs[j]);
      if (result.verdict != pattern::Verdict::disjoint) {
        const auto& a = m_plan.agents[agent].owns[i];
        const auto& b = m_plan.agents[other].owns[j];
        return Overlap{agent,
                       other,
                       a.value,
                       b.value,
                       std::move(result.witness),
                       a.where,
                       result.verdict == pattern::Verdict::undecided};
      }
    }
  }
  return std::nullopt;
}

std::vector<ProtectedOverlap> OwnedPatterns::protected_overlaps(std::size_t agent) const {
  std::vector<ProtectedOverlap> out;
  if (m_protected.empty()) {
    return out;
  }
  const auto& mine = owns(agent);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (!mine[i].glob) {
      continue;
    }
    auto candidates = m_protected_index->candidates(*mine[i].glob);
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const auto j : candidates) {
      auto result = compare(mine[i], m_protected[j]);
      if (result.verdict != pattern::Verdict::disjoint) {
        out.push_back({i, j, std::move(result.witness), result.verdict == pattern::Verdict::undecided});
      }
    }
  }
  return out;
}

OwnedPatterns::Candidates OwnedPatterns::candidates(const std::vector<std::size_t>& agents) const {
  Candidates c;
  c.m_owned = this;
  c.m_index = std::make_unique<pattern::CandidateIndex>();
  for (const auto a : agents) {
    for (const auto& entry : owns(a)) {
      if (entry.glob) {
        c.m_index->add(*entry.glob, static_cast<std::uint32_t>(a));
      }
    }
  }
  c.m_index->finish();
  return c;
}

std::vector<std::size_t> OwnedPatterns::Candidates::before(std::size_t agent) const {
  std::vector<std::size_t> out;
  for (const auto& entry : m_owned->owns(agent)) {
    if (!entry.glob) {
      continue;
    }
    for (const auto other : m_index->candidates(*entry.glob)) {
      if (other < agent) {
        out.push_back(other);
      }
    }
    m_owned->m_work += out.size() / 8 + 1; // the index's own work counts, a little
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace wave::plan
