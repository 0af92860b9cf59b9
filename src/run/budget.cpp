#include "run/budget.hpp"

#include <fmt/format.h>

namespace wave::run {

namespace {

struct Spent {
  double usd = 0;
  int turns = 0;
  int attempts = 0;

  void add(const Usage& u) {
    usd += u.cost_usd.value_or(0);
    turns += u.turns.value_or(0);
  }
};

// What the run's recorded attempts spent, all of them and those of `agent`.
std::pair<Spent, Spent> recorded(const State& state, const std::string& agent) {
  Spent run;
  Spent own;
  for (const auto& w : state.waves) {
    for (const auto& a : w.attempts) {
      if (a.adopted) {
        continue;
      }
      for (Spent* s : {&run, &own}) {
        if (s == &own && a.agent != agent) {
          continue;
        }
        ++s->attempts;
        if (a.usage) {
          s->add(*a.usage);
        }
      }
    }
  }
  return {run, own};
}

// The first budget of `who` that `spent` reached (`passed`: went past).
std::optional<std::string> over(const std::string& who, const Spent& spent, std::optional<double> usd,
                                std::optional<int> turns, std::optional<int> attempts, bool passed) {
  const std::string verb = passed ? "passed" : "spent";
  const auto reached = [passed](double value, double limit) {
    return passed ? value > limit : value >= limit;
  };
  if (usd && reached(spent.usd, *usd)) {
    return fmt::format("{} is {}: ${:.4f} of ${}", who, verb, spent.usd, *usd);
  }
  if (turns && reached(spent.turns, *turns)) {
    return fmt::format("{} is {}: {} turn{} of {}", who, verb, spent.turns, spent.turns == 1 ? "" : "s",
                       *turns);
  }
  if (attempts && !passed && spent.attempts >= *attempts) {
    return fmt::format("{} is {}: {} attempt{} of {}", who, verb, spent.attempts,
                       spent.attempts == 1 ? "" : "s", *attempts);
  }
  return std::nullopt;
}

std::optional<std::string> check(const plan::Plan& plan, const std::string& agent, const Spent& run,
                                 const Spent& own, bool passed) {
  const plan::Runner& r = plan.runner;
  if (auto why = over("the run's budget", run, r.budget_usd, r.budget_turns, r.budget_attempts, passed)) {
    return why;
  }
  if (const auto index = plan.find(agent)) {
    const plan::Agent& a = plan.agents[*index];
    return over(fmt::format("the budget of '{}'", agent), own, a.budget_usd, a.budget_turns,
                a.budget_attempts, passed);
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> budget_spent(const plan::Plan& plan, const State& state,
                                        const std::string& agent) {
  const auto [run, own] = recorded(state, agent);
  return check(plan, agent, run, own, false);
}

std::optional<std::string> budget_passed(const plan::Plan& plan, const State& state, const std::string& agent,
                                         const Usage& running) {
  auto [run, own] = recorded(state, agent);
  run.add(running);
  own.add(running);
  return check(plan, agent, run, own, true);
}

bool watches_usage(const plan::Plan& plan, const std::string& agent) {
  if (plan.runner.budget_usd || plan.runner.budget_turns) {
    return true;
  }
  const auto index = plan.find(agent);
  return index && (plan.agents[*index].budget_usd || plan.agents[*index].budget_turns);
}

} // namespace wave::run
