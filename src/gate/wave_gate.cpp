#include "gate/wave_gate.hpp"

#include "gate/record.hpp"

namespace wave::gate {

WaveGate::WaveGate(git_repository* repo, const plan::Plan& plan, const run::State& state,
                   const run::WaveRun& wave)
    : m_ownership(plan), m_input(gate_input(repo, plan, m_ownership, state, wave)) {}

GateReport WaveGate::run(Reporter& reporter) {
  GateReport report = run_gate(m_input, reporter);
  record_gate(m_input.repo, m_input.run, m_input.id, report);
  return report;
}

} // namespace wave::gate
