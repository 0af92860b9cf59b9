#include "run/budget.hpp"

#include <fmt/format.h>

namespace wave::run {

std::optional<std::string> budget_spent(const plan::Plan& plan, const State& state,
                                        const std::string& agent) {
  double run_cost = 0;
  double agent_cost = 0;
  for (const auto& w : state.waves) {
    for (const auto& a : w.attempts) {
      const double cost = a.usage && a.usage->cost_usd ? *a.usage->cost_usd : 0;
      run_cost += cost;
      if (a.agent == agent) {
        agent_cost += cost;
      }
    }
  }
  if (plan.runner.budget_usd && run_cost >= *plan.runner.budget_usd) {
    return fmt::format("the run's budget is spent: ${:.4f} of ${}", run_cost, *plan.runner.budget_usd);
  }
  const auto index = plan.find(agent);
  if (index && plan.agents[*index].budget_usd && agent_cost >= *plan.agents[*index].budget_usd) {
    return fmt::format("the budget of '{}' is spent: ${:.4f} of ${}", agent, agent_cost,
                       *plan.agents[*index].budget_usd);
  }
  return std::nullopt;
}

} // namespace wave::run
