#include "plan/validate.hpp"

#include "pattern/syntax.hpp"
#include "plan/graph.hpp"
#include "plan/source.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

namespace wave::plan {

namespace {

void check_duplicates(const Plan& plan, Diagnostics& diagnostics) {
  std::unordered_map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    const auto& agent = plan.agents[i];
    if (agent.name.empty()) {
      continue;
    }
    const auto [it, inserted] = first.emplace(agent.name, i);
    if (!inserted) {
      diagnostics.error(agent.where,
                        fmt::format("duplicate agent '{}' (first defined at line {})",
                                    util::shown(agent.name), plan.agents[it->second].where.line),
                        "agent names must be unique: rename one of them");
    }
  }
}

// Beyond this many agents an unknown name gets no "did you mean": the
// search would cost a distance per agent for every unknown name.
constexpr std::size_t max_suggestion_candidates = 200;

void check_references(const Plan& plan, Diagnostics& diagnostics) {
  const AgentIndex index(plan);
  std::vector<std::string> names;
  if (plan.agents.size() <= max_suggestion_candidates) {
    names.reserve(plan.agents.size());
    for (const auto& agent : plan.agents) {
      names.push_back(agent.name);
    }
  }
  for (const auto& agent : plan.agents) {
    std::unordered_set<std::string_view> seen;
    for (const auto& dep : agent.after) {
      if (dep.value == agent.name) {
        diagnostics.error(dep.where,
                          fmt::format("agent '{}' cannot be after itself", util::shown(agent.name)),
                          "remove it from its own 'after' list");
        continue;
      }
      if (!index.find(dep.value)) {
        std::vector<std::string> others;
        std::copy_if(names.begin(), names.end(), std::back_inserter(others),
                     [&agent](const std::string& n) { return n != agent.name; });
        std::string hint;
        if (auto best = util::nearest(dep.value, others)) {
          hint = fmt::format("did you mean '{}'?", *best);
        } else {
          hint = "'after' lists the names of other agents of this plan";
        }
        diagnostics.error(dep.where,
                          fmt::format("unknown agent '{}' in 'after' of '{}'", util::shown(dep.value),
                                      util::shown(agent.name)),
                          hint);
        continue;
      }
      if (!seen.insert(dep.value).second) {
        diagnostics.warning(dep.where,
                            fmt::format("'{}' is listed twice in 'after' of '{}'", util::shown(dep.value),
                                        util::shown(agent.name)),
                            "remove the repeated entry");
      }
    }
  }
}

// The `after` entry of agent `i` that names agent `dep`.
Location after_entry(const Plan& plan, std::size_t i, std::size_t dep) {
  for (const auto& entry : plan.agents[i].after) {
    if (entry.value == plan.agents[dep].name) {
      return entry.where;
    }
  }
  return plan.agents[i].where;
}

void check_graph(const Plan& plan, Diagnostics& diagnostics) {
  const auto deps = dependencies(plan);
  for (const auto& cycle : find_cycles(deps)) {
    // A long cycle is shown by its ends: the message stays readable.
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cycle.size(); ++k) {
      if (cycle.size() > 12 && k == 6) {
        names.push_back(fmt::format("... ({} more)", cycle.size() - 12));
        k = cycle.size() - 6;
      }
      names.push_back(util::shown(plan.agents[cycle[k]].name));
    }
    const auto first = cycle.front();
    const auto closing = cycle[cycle.size() - 2];
    diagnostics.error(after_entry(plan, first, closing),
                      fmt::format("dependency cycle: {}", util::join(names, " -> ")),
                      "'a -> b' means b is after a: remove one 'after' entry of the cycle");
  }
  const auto lv = levels(plan, deps);
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    const auto& agent = plan.agents[i];
    if (!agent.wave || lv.earliest[i] == 0 || *agent.wave >= lv.earliest[i]) {
      continue;
    }
    // The dependency that holds the agent back the most.
    std::size_t latest = deps[i].front();
    for (const auto d : deps[i]) {
      if (lv.level[d] > lv.level[latest]) {
        latest = d;
      }
    }
    diagnostics.error(agent.wave_where,
                      fmt::format("agent '{}' is pinned to wave {} but is after '{}', which runs in wave {}",
                                  agent.name, *agent.wave, plan.agents[latest].name, lv.level[latest]),
                      fmt::format("a pin may only delay an agent: use wave = {} or later, or remove the pin",
                                  lv.earliest[i]));
  }
}

void check_worktrees(const Plan& plan, std::string_view text, Diagnostics& diagnostics) {
  const std::string_view templ = plan.worktrees;
  if (templ.empty()) {
    if (plan.worktrees_where.line > 0) {
      diagnostics.error(plan.worktrees_where, "empty 'worktrees' template",
                        fmt::format("remove it for the default \"{}\"", default_worktrees));
    }
    return;
  }
  const std::vector<std::string> known(std::begin(worktree_placeholders), std::end(worktree_placeholders));
  bool has_agent = false;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] == '}') {
      diagnostics.error(string_offset(text, plan.worktrees_where, i), "unmatched '}' in 'worktrees'",
                        "placeholders are {repo}, {run} and {agent}");
      return;
    }
    if (templ[i] != '{') {
      continue;
    }
    const auto close = templ.find('}', i);
    if (close == std::string_view::npos) {
      diagnostics.error(string_offset(text, plan.worktrees_where, i), "unclosed '{' in 'worktrees'",
                        "placeholders are {repo}, {run} and {agent}");
      return;
    }
    const auto key = templ.substr(i + 1, close - i - 1);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      auto best = util::nearest(key, known);
      diagnostics.error(string_offset(text, plan.worktrees_where, i),
                        fmt::format("unknown placeholder '{{{}}}' in 'worktrees'", key),
                        best ? fmt::format("did you mean '{{{}}}'?", *best)
                             : std::string("placeholders are {repo}, {run} and {agent}"));
      return;
    }
    has_agent = has_agent || key == "agent";
    i = close;
  }
  if (!has_agent) {
    diagnostics.error(plan.worktrees_where, "'worktrees' must contain {agent}",
                      "every agent needs its own worktree, e.g. \"../{run}/{agent}\"");
    return;
  }
  // Relative to the repository, or under {repo}: decided here, wherever the
  // repository is (an absolute template is checked by start, against it).
  constexpr std::string_view root = "/0/1/2/3/4/5/6/7/repo";
  if (worktree_location_problem(worktree_path(plan, root, "agent"), root, {})) {
    diagnostics.error(
        plan.worktrees_where,
        fmt::format("'worktrees' template '{}' puts the worktrees inside the repository's working tree",
                    util::shown(plan.worktrees)),
        "worktrees go outside the repository, e.g. \"{repo}.wave/{run}/{agent}\" or "
        "\"../{run}/{agent}\"");
  }
}

void check_patterns(const std::vector<Located>& patterns, std::string_view key, std::string_view text,
                    Diagnostics& diagnostics) {
  for (const auto& p : patterns) {
    // Every error is the syntax's: no need to build the automaton here.
    const auto parsed = pattern::parse(p.value);
    if (const auto* error = std::get_if<pattern::PatternError>(&parsed)) {
      diagnostics.error(
          string_offset(text, p.where, error->offset),
          fmt::format("invalid pattern '{}' in '{}': {}", util::shown(p.value), key, error->message),
          "patterns are git glob pathspecs relative to the repository root, e.g. \"src/config/**\"");
    }
  }
}

} // namespace

void validate(const Plan& plan, std::string_view text, Diagnostics& diagnostics) {
  check_duplicates(plan, diagnostics);
  check_references(plan, diagnostics);
  check_graph(plan, diagnostics);
  check_worktrees(plan, text, diagnostics);
  check_patterns(plan.protected_paths, "protected", text, diagnostics);
  for (const auto& agent : plan.agents) {
    check_patterns(agent.owns, "owns", text, diagnostics);
  }
}

} // namespace wave::plan
