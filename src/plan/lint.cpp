#include "plan/lint.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::plan {

void lint(const Plan& plan, const Schedule& schedule, const OwnedPatterns& owned, Diagnostics& diagnostics) {
  const auto limit = static_cast<std::size_t>(plan.max_parallel);
  for (const auto& wave : schedule.waves) {
    if (wave.agents.size() > limit) {
      diagnostics.warning(plan.agents[wave.agents[limit]].where,
                          fmt::format("wave {} has {} agents, more than max_parallel ({})", wave.label,
                                      wave.agents.size(), plan.max_parallel),
                          "agents of a wave run at once: spread them over waves with 'after' or 'wave', or raise "
                          "max_parallel");
    }
  }
  if (plan.agents.size() > large_plan) {
    diagnostics.warning(plan.agents[large_plan].where,
                        fmt::format("the plan has {} agents; more than {} are hard to lead and review at once",
                                    plan.agents.size(), large_plan),
                        "consider splitting the work into several plans run one after another");
  }
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    const auto& agent = plan.agents[i];
    if (util::trim(agent.task).empty()) {
      diagnostics.warning(agent.where, fmt::format("agent '{}' has no task", agent.name),
                          "write task = \"...\": it is the agent's brief and names its merge");
    }
    if (agent.read_only()) {
      diagnostics.note(agent.where,
                       fmt::format("agent '{}' owns no paths: it is read-only and its branch must stay empty",
                                   agent.name));
    }
    if (owned.exhausted()) {
      continue; // schedule() reported it
    }
    for (const auto& p : owned.protected_overlaps(i)) {
      const auto& mine = agent.owns[p.owns_index];
      diagnostics.warning(
          mine.where,
          fmt::format("agent '{}' owns '{}', which {} protected '{}'{}", agent.name, util::shown(mine.value),
                      p.undecided ? "may overlap (too complex to decide)" : "overlaps",
                      util::shown(plan.protected_paths[p.protected_index].value),
                      p.undecided ? std::string() : fmt::format(" (e.g. '{}')", util::shown(p.witness))),
          "nobody may change protected paths, not even their owner: narrow the pattern");
    }
  }
}

} // namespace wave::plan
