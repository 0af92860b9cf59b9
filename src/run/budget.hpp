#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"
#include "run/usage.hpp"

#include <optional>
#include <string>

// The plan's budgets (in [run] for the whole run, and per agent: cost
// `budget_usd`, model turns `budget_turns`, attempts `budget_attempts`)
// against what the run's attempts spent, as their agent CLIs reported it
// (run/usage.hpp). An attempt adopted without a launch counts for nothing.
namespace wave::run {

// Why `agent` may not be launched again: "the run's budget is spent: $5.12
// of $5", "the budget of 'a' is spent: 3 attempts of 3", or nothing when it
// may.
std::optional<std::string> budget_spent(const plan::Plan& plan, const State& state, const std::string& agent);

// Why an attempt of `agent` still running, which has spent `running` so
// far (read from its output as it goes), is to be ended now: the cost or
// the turns of the run or of the agent, with it, are past their budget
// ("the budget of 'a' is passed: 5 turns of 3"). Nothing while they are
// not.
std::optional<std::string> budget_passed(const plan::Plan& plan, const State& state, const std::string& agent,
                                         const Usage& running);

// Does the plan give `agent` (or the run) a budget of cost or turns, which
// an attempt's output is to be watched for?
bool watches_usage(const plan::Plan& plan, const std::string& agent);

} // namespace wave::run
