#include "run/decisions.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::run {

std::string_view to_string(Standing s) noexcept {
  switch (s) {
  case Standing::open:
    return "open";
  case Standing::done:
    return "done";
  case Standing::accepted:
    return "accepted";
  case Standing::relaunch:
    return "relaunch";
  }
  return "open";
}

AgentStanding standing_of(const State& state, const WaveRun& wave, std::string_view agent) {
  AgentStanding out;
  for (const auto& a : wave.attempts) {
    if (a.agent == agent) {
      out.last = &a;
      if (!a.adopted) {
        ++out.launched;
      }
    }
  }
  const int latest = out.last != nullptr ? out.last->number : 0;
  for (const auto& d : state.actions) {
    if (d.agent == agent && d.kind != ActionKind::skip && d.wave == wave.label &&
        d.wave_started_at == wave.started_at) {
      out.action = d.after_attempt == latest ? &d : nullptr;
    }
  }
  if (out.action != nullptr) {
    out.standing = out.action->kind == ActionKind::accept ? Standing::accepted : Standing::relaunch;
  } else if (out.last != nullptr && out.last->end == AttemptEnd::done) {
    out.standing = Standing::done;
  }
  return out;
}

const Action* last_action(const State& state, std::string_view agent) {
  const Action* out = nullptr;
  for (const auto& d : state.actions) {
    if (d.agent == agent) {
      out = &d;
    }
  }
  return out;
}

std::map<std::string, std::string> skipped_agents(const State& state, const plan::Plan& plan) {
  std::map<std::string, std::string> out;
  for (const auto& d : state.actions) {
    if (d.kind == ActionKind::skip) {
      out[d.agent] = d.reason.empty() ? std::string("skipped") : fmt::format("skipped: {}", d.reason);
    }
  }
  // Dependents, to a fixed point: the plan is acyclic and small.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& a : plan.agents) {
      if (out.count(a.name) != 0) {
        continue;
      }
      for (const auto& dep : a.after) {
        if (out.count(dep.value) != 0) {
          out[a.name] = fmt::format("depends on '{}', which is skipped", dep.value);
          grew = true;
          break;
        }
      }
    }
  }
  return out;
}

std::size_t next_wave(const plan::Plan& plan, const plan::Schedule& schedule, const State* state) {
  std::size_t next = 0;
  std::map<std::string, std::string> skipped;
  if (state != nullptr) {
    for (const auto& w : state->waves) {
      if (w.status == WaveStatus::merged) {
        if (const auto i = schedule.find_wave(w.label)) {
          next = std::max(next, *i + 1);
        }
      }
    }
    skipped = skipped_agents(*state, plan);
  }
  while (next < schedule.waves.size()) {
    for (const auto i : schedule.waves[next].agents) {
      if (skipped.count(plan.agents[i].name) == 0) {
        return next;
      }
    }
    ++next;
  }
  return next;
}

} // namespace wave::run
