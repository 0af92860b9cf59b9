#pragma once

#include "plan/model.hpp"
#include "plan/schedule.hpp"
#include "run/state.hpp"

#include <map>
#include <string>
#include <string_view>

// Where each agent of a run stands once a person has stepped in: what its
// attempts and the recorded decisions (run::Action) add up to. Pure: no git.
namespace wave::run {

enum class Standing {
  open,     // not yet proven done: `run` launches it (or adopts what is there)
  done,     // its latest attempt was proven done (or adopted)
  accepted, // a person accepted its branch as it is
  relaunch, // a person asked for it to be launched again
};

struct AgentStanding {
  Standing standing = Standing::open;
  const Attempt* last = nullptr;  // its latest attempt in the wave, or null
  const Action* action = nullptr; // the decision in force, or null
  int launched = 0;               // attempts launched (adopted ones are not)
};

std::string_view to_string(Standing s) noexcept;

// `agent` of `wave` (an entry of state.waves): its latest attempt and the
// latest accept or relaunch decided for it in that wave, unless an attempt
// came after the decision.
AgentStanding standing_of(const State& state, const WaveRun& wave, std::string_view agent);

// The latest decision of any kind about `agent`, or null.
const Action* last_action(const State& state, std::string_view agent);

// The agents the run leaves out, each with why: those a person skipped, and
// every agent that depends on one of them, directly or not ("depends on
// 'api', which was skipped").
std::map<std::string, std::string> skipped_agents(const State& state, const plan::Plan& plan);

// The index in `schedule.waves` of the wave the run starts next: the first
// after the last merged one (`state` null: the first) that has an agent not
// skipped; schedule.waves.size() when none is left.
std::size_t next_wave(const plan::Plan& plan, const plan::Schedule& schedule, const State* state);

} // namespace wave::run
