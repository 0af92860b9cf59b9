#pragma once

#include "pattern/glob.hpp"
#include "plan/model.hpp"
#include "plan/schedule.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// A plan's owns and protected patterns, compiled once, to compare them.
namespace wave::plan {

// A protected entry that one of an agent's owns entries overlaps.
struct ProtectedOverlap {
  std::size_t owns_index = 0;      // in the agent's owns
  std::size_t protected_index = 0; // in Plan::protected_paths
  std::string witness;             // a path both own
};

class OwnedPatterns {
public:
  // Entries that do not compile (parse() reported them) are left out.
  explicit OwnedPatterns(const Plan& plan);

  // The first overlapping pair of owns entries of agents `agent` and `other`
  // (agent's entries in order, each against other's in order), or nullopt.
  std::optional<Overlap> overlap(std::size_t agent, std::size_t other) const;

  // Every (owns entry, protected entry) pair of `agent` that overlaps.
  std::vector<ProtectedOverlap> protected_overlaps(std::size_t agent) const;

private:
  struct Entry {
    std::optional<pattern::Glob> glob;
  };
  static std::vector<Entry> compile(const std::vector<Located>& patterns);
  static std::optional<std::string> overlap(const Entry& a, const Entry& b);

  const Plan& m_plan;
  std::vector<std::vector<Entry>> m_owns; // per agent
  std::vector<Entry> m_protected;
};

} // namespace wave::plan
