#include "gate/receive_landing.hpp"

#include "git/check.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"

namespace wave::gate {

bool run_open(const run::Stored& stored) {
  const auto parsed = plan::parse(stored.plan_text, "wave.toml");
  if (!parsed.plan) {
    return true;
  }
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(*parsed.plan, false, ignored);
  for (const auto& w : schedule.waves) {
    const run::WaveRun* done = stored.state.find_wave(w.label);
    if (done == nullptr || done->status != run::WaveStatus::merged) {
      return true;
    }
  }
  return false;
}

const run::WaveRun* landing_wave(const run::State& state, const git_oid& from, const git_oid& to) {
  const std::string from_text = git::oid_str(from);
  const std::string to_text = git::oid_str(to);
  for (const auto& w : state.waves) {
    if (w.status == run::WaveStatus::merged && w.merged && w.merged->from == from_text &&
        w.merged->to == to_text && w.gate && w.gate->passed() && w.gate->candidate == to_text) {
      return &w;
    }
  }
  return nullptr;
}

} // namespace wave::gate
