#pragma once

#include "pattern/candidates.hpp"
#include "pattern/glob.hpp"
#include "plan/model.hpp"
#include "plan/schedule.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// A plan's owns and protected patterns, compiled once, to compare them.
// Comparing costs steps (pattern::OverlapResult::work); past a budget for
// the whole plan every further comparison is skipped and exhausted() says
// so: the plan is then too complex to check, and refused.
namespace wave::plan {

// A protected entry that one of an agent's owns entries overlaps.
struct ProtectedOverlap {
  std::size_t owns_index = 0;      // in the agent's owns
  std::size_t protected_index = 0; // in Plan::protected_paths
  std::string witness;             // a path both own (empty when undecided)
  bool undecided = false;          // too complex to decide: taken as overlapping
};

class OwnedPatterns {
public:
  // Steps all comparisons of one plan may take together.
  static constexpr std::size_t default_budget = 20'000'000;

  // Steps one pair may take before it is undecided.
  static constexpr std::size_t default_pair_budget = 1'000'000;

  // Entries that do not compile (parse() reported them) are left out.
  explicit OwnedPatterns(const Plan& plan, std::size_t budget = default_budget,
                         std::size_t pair_budget = default_pair_budget);

  // The first overlapping pair of owns entries of agents `agent` and `other`
  // (agent's entries in order, each against other's in order), or nullopt.
  // A pair too complex to decide counts as overlapping (Overlap::undecided).
  std::optional<Overlap> overlap(std::size_t agent, std::size_t other) const;

  // Every (owns entry, protected entry) pair of `agent` that overlaps.
  std::vector<ProtectedOverlap> protected_overlaps(std::size_t agent) const;

  // True once the budget is spent: later comparisons report nothing.
  bool exhausted() const { return m_work > m_budget; }

  // The agents among `agents` (plan order) that may overlap one another,
  // found through an index rather than by comparing every pair.
  class Candidates {
  public:
    // The agents of the set before `agent` in plan order whose patterns may
    // overlap its own, in plan order.
    std::vector<std::size_t> before(std::size_t agent) const;

  private:
    friend class OwnedPatterns;
    const OwnedPatterns* m_owned = nullptr;
    std::unique_ptr<pattern::CandidateIndex> m_index;
  };
  Candidates candidates(const std::vector<std::size_t>& agents) const;

private:
  struct Entry {
    std::optional<pattern::Glob> glob;
  };
  static std::vector<Entry> compile(const std::vector<Located>& patterns);
  pattern::OverlapResult compare(const Entry& a, const Entry& b) const;
  // An agent's compiled owns entries, compiled on first use: most agents of
  // a long plan are never compared with anyone.
  const std::vector<Entry>& owns(std::size_t agent) const;

  const Plan& m_plan;
  mutable std::vector<std::optional<std::vector<Entry>>> m_owns; // per agent
  std::vector<Entry> m_protected;
  std::unique_ptr<pattern::CandidateIndex> m_protected_index;
  std::size_t m_budget;
  std::size_t m_pair_budget;
  mutable std::size_t m_work = 0;
};

} // namespace wave::plan
