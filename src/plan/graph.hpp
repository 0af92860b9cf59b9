#pragma once

#include "plan/model.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

// The dependency graph of a plan's agents (from `after`), by agent index.
namespace wave::plan {

// Agent names to indices, in constant time (plans can hold long chains): the
// first agent of a name wins, as in Plan::find. Views into `plan`, which
// must outlive it.
class AgentIndex {
public:
  explicit AgentIndex(const Plan& plan);
  std::optional<std::size_t> find(std::string_view name) const;

private:
  std::unordered_map<std::string_view, std::size_t> m_index;
};

// Each agent's dependencies as agent indices in `after` order: unknown names,
// self-references and repeats are left out (parse() reports them).
using Dependencies = std::vector<std::vector<std::size_t>>;
Dependencies dependencies(const Plan& plan);

// The reverse: for each agent, the agents that are after it, in plan order.
Dependencies dependents(const Dependencies& deps);

// One cycle per group of agents that wait on each other, each as a path
// a -> b -> ... -> a in which every agent is after the one before it. A path
// starts at its group's first agent in plan order and is a shortest cycle
// through it; paths are in plan order of their first agent. Empty if acyclic.
std::vector<std::vector<std::size_t>> find_cycles(const Dependencies& deps);

struct Levels {
  // 1 + the largest level of the agent's dependencies (1 without any).
  std::vector<int> earliest;
  // The wave level: `earliest`, or the pin when it delays the agent. A pin
  // that would advance the agent is ignored here (parse() reports it).
  std::vector<int> level;
  // Agents in or after a cycle have no level: 0 in both vectors.
};
Levels levels(const Plan& plan, const Dependencies& deps);

} // namespace wave::plan
