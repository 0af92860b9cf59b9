#include "plan/schedule.hpp"

#include "plan/graph.hpp"
#include "plan/lint.hpp"
#include "plan/owned.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace wave::plan {

std::string sub_wave_label(int level, std::size_t index) {
  std::string letters;
  std::size_t n = index + 1; // bijective base 26: a..z, aa..az, ...
  while (n > 0) {
    --n;
    letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return fmt::format("{}{}", level, letters);
}

std::optional<std::size_t> Schedule::find_wave(std::string_view label) const {
  for (std::size_t i = 0; i < waves.size(); ++i) {
    if (waves[i].label == label) {
      return i;
    }
  }
  return std::nullopt;
}

namespace {

void report_overlap(const Plan& plan, const Overlap& o, int level, Diagnostics& diagnostics) {
  if (o.undecided) {
    diagnostics.error(
        o.where,
        fmt::format("agents '{}' and '{}' of wave {}: whether '{}' and '{}' overlap is too complex to "
                    "decide, so they are taken as overlapping",
                    plan.agents[o.other].name, plan.agents[o.agent].name, level, util::shown(o.other_pattern),
                    util::shown(o.pattern)),
        "simplify one of the patterns (fewer wildcards), order the agents with 'after', or run "
        "them one after another with overlap = \"split\"");
    return;
  }
  const bool plain = o.pattern == o.witness && o.other_pattern == o.witness;
  diagnostics.error(o.where,
                    fmt::format("agents '{}' and '{}' of wave {} both own '{}'{}", plan.agents[o.other].name,
                                plan.agents[o.agent].name, level, o.witness,
                                plain ? std::string()
                                      : fmt::format(" (by '{}' and '{}')", util::shown(o.other_pattern),
                                                    util::shown(o.pattern))),
                    "give the path to one agent, order them with 'after', or run them one after another "
                    "with overlap = \"split\" in the plan (or --split)");
}

// The non-exclusive agents of one level as groups that can run at once:
// first fit in plan order, so each agent lands in the earliest group it does
// not overlap; with `split` off, one group and every overlap is an error.
// The one error that says comparing stopped: the plan's budget is spent.
void report_exhausted(const Plan& plan, std::size_t agent, Diagnostics& diagnostics) {
  diagnostics.error(
      plan.agents[agent].where,
      "the plan is too complex to check for overlapping owners: comparing its patterns took too "
      "many steps, so the check stopped here",
      "give agents of one wave disjoint directories, use fewer wildcards, or fewer agents per wave");
}

std::vector<Wave> group_level(const Plan& plan, int level, const std::vector<std::size_t>& agents,
                              const OwnedPatterns& owned, bool split, Diagnostics& diagnostics,
                              std::size_t& reported, bool& stopped) {
  std::vector<Wave> groups;
  if (agents.size() < 2) { // nobody to overlap: no index to build
    if (!agents.empty()) {
      groups.push_back({{}, level, agents, Split::none, {}});
    }
    return groups;
  }
  const auto candidates = owned.candidates(agents);
  if (!split) {
    for (std::size_t i = 0; i < agents.size() && !stopped; ++i) {
      for (const auto other : candidates.before(agents[i])) {
        if (auto o = owned.overlap(agents[i], other)) {
          if (reported == max_overlap_errors) {
            diagnostics.error(
                o->where, fmt::format("more than {} overlaps: the rest are not shown", max_overlap_errors),
                "fix these first, then run 'git wave plan' again");
            stopped = true;
            break;
          }
          report_overlap(plan, *o, level, diagnostics);
          ++reported;
        }
        if (owned.exhausted()) {
          report_exhausted(plan, agents[i], diagnostics);
          stopped = true;
          break;
        }
      }
    }
    if (!agents.empty()) {
      groups.push_back({{}, level, agents, Split::none, {}});
    }
    return groups;
  }
  std::unordered_map<std::size_t, std::size_t> group_of; // agent -> its group
  for (const auto a : agents) {
    // First fit: the first group none of whose members overlaps `a`.
    std::map<std::size_t, Overlap> blocked; // group -> the first overlap with one of its members
    if (!stopped) {
      for (const auto other : candidates.before(a)) {
        if (blocked.count(group_of[other]) == 0) {
          if (auto o = owned.overlap(a, other)) {
            blocked.emplace(group_of[other], std::move(*o));
          }
        }
        if (owned.exhausted()) {
          report_exhausted(plan, a, diagnostics);
          stopped = true;
          break;
        }
      }
    }
    std::size_t g = 0;
    while (blocked.count(g) > 0) {
      ++g;
    }
    std::optional<Overlap> previous; // the overlap that kept `a` out of the group before
    if (g > 0) {
      previous = blocked.at(g - 1);
    }
    group_of[a] = g;
    if (g == groups.size()) {
      groups.push_back({{}, level, {}, g == 0 ? Split::none : Split::overlap, {}});
    }
    groups[g].agents.push_back(a);
    if (g > 0 && previous) {
      groups[g].overlaps.push_back(std::move(*previous));
    }
  }
  return groups;
}

void add_costs(const Plan& plan, Schedule& s) {
  const std::size_t n = plan.agents.size();
  double given = 0;
  std::size_t count = 0;
  for (const auto& agent : plan.agents) {
    if (agent.estimate) {
      given += static_cast<double>(agent.estimate->count());
      ++count;
    }
  }
  s.estimated = count > 0;
  const double fallback = s.estimated ? given / static_cast<double>(count) : 1.0;
  s.cost.assign(n, fallback);
  for (std::size_t i = 0; i < n; ++i) {
    if (plan.agents[i].estimate) {
      s.cost[i] = static_cast<double>(plan.agents[i].estimate->count());
    }
    s.sequential += s.cost[i];
  }
  for (const auto& wave : s.waves) {
    double largest = 0;
    for (const auto a : wave.agents) {
      largest = std::max(largest, s.cost[a]);
    }
    s.parallel += largest;
  }
  s.speedup = s.parallel > 0 ? s.sequential / s.parallel : 1.0;
}

// The longest chain of dependencies by cost. Among equally long chains it
// prefers agents with more dependencies (their start waits on the slowest of
// more work, so they are the likelier to slip), then plan order.
void add_critical_path(const Plan& plan, const Dependencies& deps, const std::vector<std::size_t>& order,
                       Schedule& s) {
  const std::size_t n = plan.agents.size();
  if (n == 0 || order.empty()) {
    return;
  }
  std::vector<double> finish(n, 0);
  std::vector<std::size_t> previous(n, n);
  const auto better = [&](std::size_t a, std::size_t b) {
    // Is `a` a better end of a critical chain than `b`?
    return std::tuple(finish[a], deps[a].size(), n - a) > std::tuple(finish[b], deps[b].size(), n - b);
  };
  for (const auto v : order) {
    for (const auto d : deps[v]) {
      if (previous[v] == n || better(d, previous[v])) {
        previous[v] = d;
      }
    }
    finish[v] = s.cost[v] + (previous[v] == n ? 0.0 : finish[previous[v]]);
  }
  std::size_t last = order.front();
  for (const auto v : order) {
    if (better(v, last)) {
      last = v;
    }
  }
  s.critical = finish[last];
  for (auto v = last; v != n; v = previous[v]) {
    s.critical_path.push_back(v);
  }
  std::reverse(s.critical_path.begin(), s.critical_path.end());
}

} // namespace

Schedule schedule(const Plan& plan, bool split, Diagnostics& diagnostics) {
  Schedule s;
  const std::size_t n = plan.agents.size();
  const auto deps = dependencies(plan);
  const auto lv = levels(plan, deps);
  const OwnedPatterns owned(plan);
  const bool split_overlaps = split || plan.overlap == OverlapPolicy::split;

  std::map<int, std::vector<std::size_t>> by_level;
  for (std::size_t i = 0; i < n; ++i) {
    if (lv.level[i] > 0) { // 0: in or after a cycle, which parse() rejects
      by_level[lv.level[i]].push_back(i);
    }
  }
  s.wave_of.assign(n, 0);
  std::size_t reported = 0; // overlap errors so far
  bool stopped = false;     // comparing stopped: too many overlaps, or too many steps
  for (const auto& [level, agents] : by_level) {
    std::vector<std::size_t> shared;
    std::vector<Wave> groups;
    for (const auto a : agents) {
      if (plan.agents[a].exclusive) {
        groups.push_back({{}, level, {a}, Split::exclusive, {}});
      } else {
        shared.push_back(a);
      }
    }
    for (auto& g : group_level(plan, level, shared, owned, split_overlaps, diagnostics, reported, stopped)) {
      groups.push_back(std::move(g));
    }
    std::stable_sort(groups.begin(), groups.end(),
                     [](const Wave& a, const Wave& b) { return a.agents.front() < b.agents.front(); });
    for (std::size_t g = 0; g < groups.size(); ++g) {
      groups[g].label = groups.size() == 1 ? std::to_string(level) : sub_wave_label(level, g);
      for (const auto a : groups[g].agents) {
        s.wave_of[a] = s.waves.size();
      }
      s.waves.push_back(std::move(groups[g]));
    }
  }

  // Topological order: by level, then plan order (a dependency has a lower level).
  std::vector<std::size_t> order;
  for (const auto& [level, agents] : by_level) {
    order.insert(order.end(), agents.begin(), agents.end());
  }
  add_costs(plan, s);
  add_critical_path(plan, deps, order, s);
  lint(plan, s, owned, diagnostics);
  diagnostics.sort();
  return s;
}

} // namespace wave::plan
