#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"

#include <optional>
#include <string>

// The plan's budgets (`budget_usd` in [run] and per agent) against what the
// run's attempts cost, as their agent CLIs reported it (run/usage.hpp).
namespace wave::run {

// Why `agent` may not be launched again: "the run's budget is spent: $5.12
// of $5.00", or its own; nothing when it may.
std::optional<std::string> budget_spent(const plan::Plan& plan, const State& state, const std::string& agent);

} // namespace wave::run
