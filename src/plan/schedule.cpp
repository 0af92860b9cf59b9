#include "plan/schedule.hpp"

#include "plan/aliases.hpp"
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

Chain longest_chain(const std::vector<std::vector<std::size_t>>& deps, const std::vector<double>& cost,
                    const std::vector<bool>& include) {
  const std::size_t n = deps.size();
  const auto in = [&](std::size_t a) { return include.empty() || include[a]; };
  // A topological order, iteratively (plans can hold chains of thousands).
  std::vector<std::size_t> order;
  std::vector<char> mark(n, 0); // 0 new, 1 on the stack, 2 placed
  for (std::size_t root = 0; root < n; ++root) {
    if (mark[root] != 0 || !in(root)) {
      continue;
    }
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    mark[root] = 1;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next < deps[v].size()) {
        const auto d = deps[v][next++];
        if (in(d) && mark[d] == 0) {
          mark[d] = 1;
          stack.emplace_back(d, 0);
        }
        continue;
      }
      mark[v] = 2;
      order.push_back(v);
      stack.pop_back();
    }
  }
  Chain out;
  if (order.empty()) {
    return out;
  }
  std::vector<double> finish(n, 0);
  std::vector<std::size_t> previous(n, n);
  const auto better = [&](std::size_t a, std::size_t b) {
    // Is `a` a better end of a chain than `b`?
    return std::tuple(finish[a], deps[a].size(), n - a) > std::tuple(finish[b], deps[b].size(), n - b);
  };
  // Only a dependency placed before an agent may precede it in a chain: in
  // a cycle (which parse() reports) a chain would loop.
  std::vector<std::size_t> position(n, n);
  for (std::size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
  }
  for (const auto v : order) {
    for (const auto d : deps[v]) {
      if (in(d) && position[d] < position[v] && (previous[v] == n || better(d, previous[v]))) {
        previous[v] = d;
      }
    }
    finish[v] = cost[v] + (previous[v] == n ? 0.0 : finish[previous[v]]);
  }
  std::size_t last = order.front();
  for (const auto v : order) {
    if (better(v, last)) {
      last = v;
    }
  }
  out.length = finish[last];
  for (auto v = last; v != n; v = previous[v]) {
    out.agents.push_back(v);
  }
  std::reverse(out.agents.begin(), out.agents.end());
  return out;
}

Chain eager_chain(const Plan& plan, const Schedule& s, const std::vector<double>& cost,
                  const std::vector<bool>& include) {
  const auto deps = dependencies(plan);
  const std::size_t n = deps.size();
  const auto in = [&](std::size_t a) { return include.empty() || include[a]; };
  std::vector<double> finish(n, 0);
  std::vector<std::size_t> previous(n, n);
  const auto better = [&](std::size_t a, std::size_t b) {
    return b == n ||
           std::tuple(finish[a], deps[a].size(), n - a) > std::tuple(finish[b], deps[b].size(), n - b);
  };
  Chain out;
  std::size_t last = n;
  std::vector<bool> placed(n, false);
  // Waves are in a topological order: dependencies sit in lower levels,
  // sub-waves of one level follow each other.
  for (std::size_t w = 0; w < s.waves.size(); ++w) {
    std::size_t barrier = n; // the sub-wave before this one: its latest agent
    if (w > 0 && s.waves[w].level == s.waves[w - 1].level) {
      for (const auto b : s.waves[w - 1].agents) {
        if (in(b) && better(b, barrier)) {
          barrier = b;
        }
      }
    }
    for (const auto a : s.waves[w].agents) {
      if (!in(a)) {
        continue;
      }
      previous[a] = barrier;
      for (const auto d : deps[a]) {
        if (in(d) && placed[d] && better(d, previous[a])) {
          previous[a] = d;
        }
      }
      finish[a] = cost[a] + (previous[a] == n ? 0.0 : finish[previous[a]]);
      placed[a] = true;
      if (better(a, last)) {
        last = a;
      }
    }
  }
  if (last == n) {
    return out;
  }
  out.length = finish[last];
  for (auto v = last; v != n; v = previous[v]) {
    out.agents.push_back(v);
  }
  std::reverse(out.agents.begin(), out.agents.end());
  return out;
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

void add_critical_path(const Plan& plan, Schedule& s) {
  const auto deps = dependencies(plan);
  const Chain critical = longest_chain(deps, s.cost);
  s.critical = critical.length;
  s.critical_path = critical.agents;
  const Chain eager = eager_chain(plan, s, s.cost);
  s.eager = eager.length;
  s.eager_speedup = s.eager > 0 ? s.sequential / s.eager : 1.0;
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

  add_costs(plan, s);
  add_critical_path(plan, s);
  lint(plan, s, owned, diagnostics);
  if (!stopped) {
    check_aliases(plan, s, diagnostics);
  }
  diagnostics.sort();
  return s;
}

} // namespace wave::plan
