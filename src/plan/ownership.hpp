#pragma once

#include "pattern/matcher.hpp"
#include "plan/model.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Who may touch a path: the agents whose `owns` patterns match it, unless a
// `protected` pattern does, which nobody may touch.
namespace wave::plan {

struct PathOwners {
  std::vector<std::size_t> owners; // agent indices, in plan order
  bool is_protected = false;
};

// A path an agent may not touch.
struct Violation {
  std::string path;
  std::vector<std::size_t> owners; // who owns it instead (agent indices, plan order)
  bool is_protected = false;       // protected: nobody may touch it, owners or not
};

class Ownership {
public:
  // The plan's patterns are assumed valid (plan::parse checked them); one
  // that does not compile throws Error naming it and where it is.
  explicit Ownership(const Plan& plan);

  PathOwners lookup(std::string_view path) const;

  // The paths of `paths` that agent `agent_index` may not touch: those it
  // does not own and the protected ones (even if it owns them), in the
  // order given. A read-only agent (no `owns`) may touch nothing.
  std::vector<Violation> violations(std::size_t agent_index, const std::vector<std::string>& paths) const;

  std::size_t agent_count() const { return m_agent_count; }

private:
  pattern::Matcher m_owned;     // ids: agent indices
  pattern::Matcher m_protected; // ids: indices in Plan::protected_paths
  std::size_t m_agent_count = 0;
};

} // namespace wave::plan
