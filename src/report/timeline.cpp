#include "report/timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace wave::report {

namespace {

bool kept(const std::vector<Attempt>& attempts, std::size_t i) {
  const std::string& end = attempts[i].end;
  return i + 1 == attempts.size() && (end == "done" || end == "running" || end == "commits");
}

// The time covered by at least one of `spans`.
Seconds covered(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  Seconds total = 0;
  std::optional<Span> open;
  for (const auto& s : spans) {
    if (s.length() == 0) {
      continue;
    }
    if (open && s.start <= open->end) {
      open->end = std::max(open->end, s.end);
      continue;
    }
    if (open) {
      total += open->length();
    }
    open = s;
  }
  return open ? total + open->length() : total;
}

bool inside(const std::optional<Span>& s, Seconds from, Seconds to) {
  return s && s->start <= from && to <= s->end && s->length() > 0;
}

AgentReport agent_report(const AgentTimeline& a, const WaveTimeline& w) {
  AgentReport r;
  r.name = a.name;
  r.attempts = a.attempts;
  r.first_commit = a.first_commit;
  r.last_commit = a.last_commit;
  for (std::size_t i = 0; i < a.attempts.size(); ++i) {
    const bool keep = kept(a.attempts, i);
    r.redone.push_back(!keep);
    r.work += a.attempts[i].span.length();
    run::add(r.spent, a.attempts[i].usage);
    if (!keep) {
      r.retries += a.attempts[i].span.length();
      run::add(r.spent_redone, a.attempts[i].usage);
    }
  }
  if (!a.attempts.empty()) {
    r.launched = a.attempts.front().span.start;
    r.running = a.attempts.back().end == "running";
    if (!r.running) {
      r.exited = a.attempts.back().span.end;
    }
  }
  if (w.gate && w.gate_passed) {
    r.gated = w.gate->end;
  }
  if (w.merge) {
    r.merged = w.merge->end;
  }
  return r;
}

WaveReport wave_report(const WaveTimeline& w) {
  WaveReport r;
  r.label = w.label;
  r.aborted = w.aborted;
  r.approximate = w.approximate;
  r.started = w.started;
  r.gate = w.gate;
  r.gate_passed = w.gate_passed;
  r.earlier_gates = w.earlier_gates;
  r.failed_gates = w.failed_gates;
  r.bisect_runs = w.bisect_runs;
  r.blocked = w.blocked;
  r.merge = w.merge;
  r.end = w.started;
  std::vector<Span> spans;
  std::optional<Seconds> done; // the last agent's exit
  for (const auto& a : w.agents) {
    r.agents.push_back(agent_report(a, w));
    const AgentReport& ar = r.agents.back();
    r.slowest = std::max(r.slowest, ar.work);
    for (const auto& at : a.attempts) {
      spans.push_back(at.span);
      r.end = std::max(r.end, at.span.end);
    }
    if (ar.exited) {
      done = std::max(done.value_or(*ar.exited), *ar.exited);
    }
  }
  for (auto& ar : r.agents) {
    if (ar.exited && done && !w.aborted) {
      ar.waiting = *done - *ar.exited;
    }
  }
  r.running = covered(spans);
  r.serial = std::max<Seconds>(0, r.running - r.slowest);
  if (w.gate) {
    r.end = std::max(r.end, w.gate->end);
  }
  for (const auto& g : w.earlier_gates) {
    r.end = std::max(r.end, g.end);
  }
  if (w.merge) {
    r.end = std::max(r.end, w.merge->end);
  }
  return r;
}

enum class Phase { working, retries, gates, failed_gates, merges, blocked, idle, between, aborted };

// What the run did from `from` to `to` (no event inside).
Phase phase_at(const Report& r, Seconds from, Seconds to) {
  for (const auto& w : r.waves) {
    if (inside(w.merge, from, to)) {
      return Phase::merges;
    }
  }
  for (const auto& w : r.waves) {
    for (const auto& g : w.failed_gates) {
      if (inside(g, from, to)) {
        return Phase::failed_gates;
      }
    }
    if (inside(w.gate, from, to)) {
      return Phase::gates;
    }
    for (const auto& g : w.earlier_gates) {
      if (inside(g, from, to)) {
        return Phase::gates;
      }
    }
  }
  bool redone = false;
  bool aborted = false;
  for (const auto& w : r.waves) {
    for (const auto& a : w.agents) {
      for (std::size_t i = 0; i < a.attempts.size(); ++i) {
        if (!inside(a.attempts[i].span, from, to)) {
          continue;
        }
        if (w.aborted) {
          aborted = true;
        } else if (a.redone[i]) {
          redone = true;
        } else {
          return Phase::working;
        }
      }
    }
  }
  if (redone) {
    return Phase::retries;
  }
  if (aborted) {
    return Phase::aborted;
  }
  for (const auto& w : r.waves) {
    for (const auto& b : w.blocked) {
      if (inside(b, from, to)) {
        return Phase::blocked;
      }
    }
  }
  for (std::size_t i = 0; i < r.waves.size(); ++i) {
    const auto& w = r.waves[i];
    // A wave lasts until its merge; an aborted one until the next wave starts.
    const Seconds end = w.aborted && i + 1 < r.waves.size() ? r.waves[i + 1].started
                        : w.merge                           ? w.merge->end
                                                            : r.wall;
    if (w.started <= from && to <= end) {
      return w.aborted ? Phase::aborted : Phase::idle;
    }
  }
  return Phase::between;
}

void sweep(Report& r) {
  std::vector<Seconds> points{0, r.wall};
  const auto add = [&](const std::optional<Span>& s) {
    if (s) {
      points.push_back(s->start);
      points.push_back(s->end);
    }
  };
  for (const auto& w : r.waves) {
    points.push_back(w.started);
    add(w.gate);
    add(w.merge);
    for (const auto& g : w.earlier_gates) {
      add(g);
    }
    for (const auto& b : w.blocked) {
      add(b);
    }
    for (const auto& a : w.agents) {
      for (const auto& at : a.attempts) {
        add(at.span);
      }
    }
  }
  for (auto& p : points) {
    p = std::clamp<Seconds>(p, 0, r.wall);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const Seconds from = points[i];
    const Seconds to = points[i + 1];
    Seconds* slot = nullptr;
    switch (phase_at(r, from, to)) {
    case Phase::working:
      slot = &r.time.working;
      break;
    case Phase::retries:
      slot = &r.time.retries;
      break;
    case Phase::gates:
      slot = &r.time.gates;
      break;
    case Phase::failed_gates:
      slot = &r.time.failed_gates;
      break;
    case Phase::blocked:
      slot = &r.time.blocked;
      break;
    case Phase::merges:
      slot = &r.time.merges;
      break;
    case Phase::idle:
      slot = &r.time.idle;
      break;
    case Phase::between:
      slot = &r.time.between;
      break;
    case Phase::aborted:
      slot = &r.time.aborted;
      break;
    }
    *slot += to - from;
  }
}

double ratio(Seconds a, Seconds b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 1.0;
}

void critical_paths(const plan::Plan& plan, const plan::Schedule& s, Report& r) {
  for (const auto a : s.critical_path) {
    r.planned_critical.push_back(plan.agents[a].name);
  }
  std::vector<double> cost(plan.agents.size(), 0);
  std::vector<bool> present(plan.agents.size(), false);
  std::map<std::string, AgentReport*> by_name;
  for (auto& w : r.waves) {
    if (w.aborted) {
      continue;
    }
    for (auto& a : w.agents) {
      if (const auto i = plan.find(a.name)) {
        cost[*i] = static_cast<double>(a.work);
        present[*i] = true;
        by_name[a.name] = &a;
      }
    }
  }
  for (auto& w : r.waves) {
    for (auto& a : w.agents) {
      if (const auto i = plan.find(a.name)) {
        a.planned_critical =
            std::find(s.critical_path.begin(), s.critical_path.end(), *i) != s.critical_path.end();
        if (s.estimated) {
          a.estimate = s.cost[*i] / 1000.0;
        }
      }
    }
  }
  if (std::none_of(present.begin(), present.end(), [](bool p) { return p; })) {
    return;
  }
  const plan::Chain chain = plan::eager_chain(plan, s, cost, present);
  r.eager_time = static_cast<Seconds>(chain.length);
  for (const auto a : chain.agents) {
    r.actual_critical.push_back(plan.agents[a].name);
    by_name[plan.agents[a].name]->actual_critical = true;
  }
}

void explain(Report& r) {
  if (r.speedup.theoretical - r.speedup.waves > 0.005) {
    r.lost.push_back(
        fmt::format("the agents' durations: the waves would give {:.2f}x with them, {:.2f}x with the "
                    "plan's estimates",
                    r.speedup.waves, r.speedup.theoretical));
  }
  std::vector<std::pair<Seconds, std::string>> items;
  if (r.serial > 0 && std::any_of(r.waves.begin(), r.waves.end(), [](const auto& w) { return !w.aborted; })) {
    const WaveReport* worst = nullptr;
    for (const auto& w : r.waves) {
      if (!w.aborted && (worst == nullptr || w.serial > worst->serial)) {
        worst = &w;
      }
    }
    items.emplace_back(
        r.serial, fmt::format("agents not running in parallel (wave {}: {} of agents at work for a "
                              "slowest agent of {})",
                              worst->label, duration_text(worst->running), duration_text(worst->slowest)));
  }
  items.emplace_back(r.time.gates, "gates");
  items.emplace_back(r.time.failed_gates, "gates that failed (bisection included)");
  items.emplace_back(r.time.blocked, "run blocked, waiting for a person");
  items.emplace_back(r.time.merges, "merges");
  items.emplace_back(r.time.idle, "waves where nothing ran (setup, the lead between steps)");
  items.emplace_back(r.time.between, "gaps between waves (a wave merged, the next not started)");
  items.emplace_back(r.time.aborted, "waves thrown away");
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [seconds, what] : items) {
    if (seconds > 0) {
      r.lost.push_back(fmt::format("{} of wall-clock: {}", duration_text(seconds), what));
    }
  }
}

} // namespace

std::string duration_text(Seconds s) {
  if (s < 0) {
    return "-" + duration_text(-s);
  }
  if (s < 60) {
    return fmt::format("{}s", s);
  }
  if (s < 3600) {
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  }
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

Report analyse(const plan::Plan& plan, const plan::Schedule& schedule, const Timeline& timeline) {
  Report r;
  r.run = timeline.run;
  r.origin = timeline.origin;
  r.marks = timeline.marks;
  r.plan_waves = schedule.waves.size();
  std::size_t merged = 0;
  for (WaveTimeline w : timeline.waves) {
    for (auto& a : w.agents) {
      if (!a.attempts.empty() && a.attempts.back().end == "running") {
        r.running = true; // it runs until now
        a.attempts.back().span.end = std::max(a.attempts.back().span.end, timeline.now);
      }
    }
    r.waves.push_back(wave_report(w));
    for (const auto& b : w.blocked) {
      r.waves.back().end = std::max(r.waves.back().end, b.end);
    }
    r.approximate = r.approximate || w.approximate;
    r.wall = std::max(r.wall, r.waves.back().end);
    if (!w.aborted && w.merge) {
      ++merged;
    }
  }
  r.finished = merged >= schedule.waves.size();
  for (auto& w : r.waves) {
    if (w.aborted) {
      continue;
    }
    for (const auto& a : w.agents) {
      r.agent_time += a.work;
      r.waiting += a.waiting;
      r.retries += a.retries;
      run::add(w.spent, a.spent);
      run::add(r.spent, a.spent);
      run::add(r.spent_redone, a.spent_redone);
    }
    r.waves_time += w.slowest;
  }
  sweep(r);
  critical_paths(plan, schedule, r);
  r.serial = std::max<Seconds>(0, r.time.working + r.time.retries - r.waves_time);
  r.speedup.actual = ratio(r.agent_time, r.wall);
  r.speedup.theoretical = schedule.speedup;
  r.speedup.theoretical_eager = schedule.eager_speedup;
  r.speedup.waves = ratio(r.agent_time, r.waves_time);
  r.speedup.eager = ratio(r.agent_time, r.eager_time);
  explain(r);
  return r;
}

} // namespace wave::report
