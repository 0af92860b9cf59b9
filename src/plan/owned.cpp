#include "plan/owned.hpp"

#include "util/strings.hpp"

namespace wave::plan {

OwnedPatterns::OwnedPatterns(const Plan& plan) : m_plan(plan) {
  m_owns.reserve(plan.agents.size());
  for (const auto& agent : plan.agents) {
    m_owns.push_back(compile(agent.owns));
  }
  m_protected = compile(plan.protected_paths);
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

std::optional<std::string> OwnedPatterns::overlap(const Entry& a, const Entry& b) {
  if (!a.glob || !b.glob) {
    return std::nullopt;
  }
  // Every path a pattern matches starts with its literal head, so two
  // patterns whose heads differ before either ends cannot overlap.
  const auto ha = a.glob->literal_head();
  const auto hb = b.glob->literal_head();
  if (!util::starts_with(ha, hb) && !util::starts_with(hb, ha)) {
    return std::nullopt;
  }
  // Paths whose names hold glob characters exist only through git's literal
  // rule ("**/*.md" owns a file literally named "src/*.c/x.md"): no real tree
  // has them, so they do not make two agents overlap. A merge would still
  // catch two agents writing one such file.
  pattern::OverlapOptions options;
  options.plain_witness = true;
  return pattern::overlap(*a.glob, *b.glob, options);
}

std::optional<Overlap> OwnedPatterns::overlap(std::size_t agent, std::size_t other) const {
  const auto& mine = m_owns[agent];
  const auto& theirs = m_owns[other];
  for (std::size_t i = 0; i < mine.size(); ++i) {
    for (std::size_t j = 0; j < theirs.size(); ++j) {
      if (auto witness = overlap(mine[i], theirs[j])) {
        const auto& a = m_plan.agents[agent].owns[i];
        const auto& b = m_plan.agents[other].owns[j];
        return Overlap{agent, other, a.value, b.value, std::move(*witness), a.where};
      }
    }
  }
  return std::nullopt;
}

std::vector<ProtectedOverlap> OwnedPatterns::protected_overlaps(std::size_t agent) const {
  std::vector<ProtectedOverlap> out;
  const auto& mine = m_owns[agent];
  for (std::size_t i = 0; i < mine.size(); ++i) {
    for (std::size_t j = 0; j < m_protected.size(); ++j) {
      if (auto witness = overlap(mine[i], m_protected[j])) {
        out.push_back({i, j, std::move(*witness)});
      }
    }
  }
  return out;
}

} // namespace wave::plan
