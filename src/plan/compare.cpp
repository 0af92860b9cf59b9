#include "plan/compare.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <set>

namespace wave::plan {

namespace {

std::vector<std::string> values(const std::vector<Located>& located) {
  std::vector<std::string> out;
  out.reserve(located.size());
  for (const auto& l : located) {
    out.push_back(l.value);
  }
  return out;
}

// "a/**, b/*", or "nothing".
std::string listed(const std::vector<std::string>& items) {
  return items.empty() ? std::string("nothing") : util::escape_control(util::join(items, ", "));
}

std::string quoted(const std::string& name) {
  return fmt::format("'{}'", util::escape_control(name));
}

void compare_agent(const Agent& was, const Agent& is, std::vector<std::string>& out) {
  const std::string who = fmt::format("agent {}", quoted(is.name));
  const auto owns_was = values(was.owns);
  const auto owns_is = values(is.owns);
  if (owns_was != owns_is) {
    out.push_back(fmt::format("{} owns {} instead of {}", who, listed(owns_is), listed(owns_was)));
  }
  if (was.gate != is.gate) {
    out.push_back(fmt::format("the gate commands of {} changed", who));
  }
  if (was.setup != is.setup || was.copy != is.copy) {
    out.push_back(fmt::format("the setup of {} changed", who));
  }
  if (was.launch != is.launch) {
    out.push_back(fmt::format("the launch of {} changed", who));
  }
  if (values(was.after) != values(is.after) || was.wave != is.wave || was.exclusive != is.exclusive) {
    out.push_back(fmt::format("the place of {} in the waves changed", who));
  }
  if (was.task != is.task || was.title != is.title) {
    out.push_back(fmt::format("the task of {} changed", who));
  }
  if (was.allow_empty != is.allow_empty) {
    out.push_back(fmt::format("whether {} may finish with no change changed", who));
  }
  if (was.agent != is.agent) {
    out.push_back(fmt::format("the agent preset of {} changed", who));
  }
  if (was.budget_usd != is.budget_usd || was.budget_turns != is.budget_turns ||
      was.budget_attempts != is.budget_attempts) {
    out.push_back(fmt::format("the budgets of {} changed", who));
  }
}

} // namespace

std::vector<std::string> differences(const Plan& bound, const Plan& other) {
  std::vector<std::string> out;
  if (bound.name != other.name) {
    out.push_back(fmt::format("it is the plan of run {}", quoted(other.name)));
  }
  if (bound.base != other.base) {
    out.push_back(fmt::format("its base is {} instead of {}", quoted(other.base), quoted(bound.base)));
  }
  if (bound.remote != other.remote) {
    out.push_back(fmt::format("its remote is {} instead of {}", quoted(other.remote), quoted(bound.remote)));
  }
  std::set<std::string> seen;
  for (const auto& a : other.agents) {
    seen.insert(a.name);
    const auto i = bound.find(a.name);
    if (!i) {
      out.push_back(fmt::format("agent {} was added (owning {})", quoted(a.name), listed(values(a.owns))));
      continue;
    }
    compare_agent(bound.agents[*i], a, out);
  }
  for (const auto& a : bound.agents) {
    if (seen.count(a.name) == 0) {
      out.push_back(fmt::format("agent {} was removed", quoted(a.name)));
    }
  }
  const auto protected_was = values(bound.protected_paths);
  const auto protected_is = values(other.protected_paths);
  if (protected_was != protected_is) {
    out.push_back(fmt::format("protected is {} instead of {}", listed(protected_is), listed(protected_was)));
  }
  if (bound.gate.commands != other.gate.commands) {
    out.push_back("the gate's commands changed");
  }
  if (bound.gate.timeout != other.gate.timeout) {
    out.push_back("the gate's timeout changed");
  }
  if (bound.gate.bisect != other.gate.bisect) {
    out.push_back("the gate's bisect bound changed");
  }
  if (bound.runner.launch != other.runner.launch) {
    out.push_back("the launch command changed");
  }
  if (bound.runner.agent != other.runner.agent) {
    out.push_back("the agent preset changed");
  }
  if (bound.runner.budget_usd != other.runner.budget_usd ||
      bound.runner.budget_turns != other.runner.budget_turns ||
      bound.runner.budget_attempts != other.runner.budget_attempts) {
    out.push_back("the run's budgets (budget_usd, budget_turns, budget_attempts) changed");
  }
  if (bound.runner.notify != other.runner.notify) {
    out.push_back("the notify commands changed");
  }
  if (bound.setup != other.setup || bound.copy != other.copy) {
    out.push_back("the setup of every worktree changed");
  }
  if (bound.worktrees != other.worktrees) {
    out.push_back("where worktrees go changed");
  }
  if (bound.merge != other.merge) {
    out.push_back("the merge style changed");
  }
  const Runner& r = bound.runner;
  const Runner& o = other.runner;
  if (r.timeout != o.timeout || r.idle_timeout != o.idle_timeout || r.retries != o.retries ||
      r.stagger != o.stagger || bound.max_parallel != other.max_parallel) {
    out.push_back("how agents are run (timeouts, retries, stagger, max_parallel) changed");
  }
  if (bound.allow_empty != other.allow_empty) {
    out.push_back("whether agents may finish with no change changed");
  }
  return out;
}

} // namespace wave::plan
