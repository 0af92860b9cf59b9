#include "plan/ownership.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <variant>

namespace wave::plan {

namespace {

pattern::Glob compile(const Plan& plan, const Located& entry) {
  auto compiled = pattern::Glob::compile(entry.value);
  if (const auto* err = std::get_if<pattern::PatternError>(&compiled)) {
    throw Error(fmt::format("{}:{}:{}: invalid pattern '{}': {}", plan.file, entry.where.line,
                            entry.where.column, entry.value, err->message));
  }
  return std::get<pattern::Glob>(std::move(compiled));
}

} // namespace

Ownership::Ownership(const Plan& plan) : m_agent_count(plan.agents.size()) {
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    for (const auto& entry : plan.agents[i].owns) {
      m_owned.add(compile(plan, entry), i);
    }
  }
  for (std::size_t i = 0; i < plan.protected_paths.size(); ++i) {
    m_protected.add(compile(plan, plan.protected_paths[i]), i);
  }
}

PathOwners Ownership::lookup(std::string_view path) const {
  PathOwners result;
  m_owned.matching(path, result.owners);
  result.is_protected = m_protected.matches_any(path);
  return result;
}

std::vector<Violation> Ownership::violations(std::size_t agent_index,
                                             const std::vector<std::string>& paths) const {
  if (agent_index >= m_agent_count) {
    throw std::out_of_range(fmt::format("no agent #{} in a plan of {}", agent_index, m_agent_count));
  }
  std::vector<Violation> found;
  for (const auto& path : paths) {
    PathOwners who = lookup(path);
    const bool owned = std::binary_search(who.owners.begin(), who.owners.end(), agent_index);
    if (!owned || who.is_protected) {
      found.push_back({path, std::move(who.owners), who.is_protected});
    }
  }
  return found;
}

} // namespace wave::plan
