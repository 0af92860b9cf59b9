#pragma once

#include "gate/gate.hpp"
#include "plan/model.hpp"
#include "plan/ownership.hpp"
#include "run/state.hpp"

#include <git2.h>

// One gate of a wave as `git wave gate` and `git wave run` both do it: the
// input read from the run's recorded plan and state, the gate itself, and
// its result recorded in the run state (record_gate).
namespace wave::gate {

class WaveGate {
public:
  // The input for wave `wave` of `state` (gate_input); `plan` is the run's
  // recorded plan and must outlive this object.
  WaveGate(git_repository* repo, const plan::Plan& plan, const run::State& state, const run::WaveRun& wave);
  WaveGate(const WaveGate&) = delete;
  WaveGate& operator=(const WaveGate&) = delete;

  // The input, for the caller to set its options (jobs, bisection, lead
  // commits, command) before run().
  GateInput& input() noexcept { return m_input; }
  const GateInput& input() const noexcept { return m_input; }

  // Runs the gate, reporting progress to `reporter`, and records its result
  // as the gate of the wave attempt (record_gate: a wave changed meanwhile
  // throws wave::Error and records nothing).
  GateReport run(Reporter& reporter);

private:
  plan::Ownership m_ownership;
  GateInput m_input;
};

} // namespace wave::gate
