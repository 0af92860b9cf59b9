#pragma once

#include "gate/gate.hpp"
#include "run/wave_id.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <string>

// Writing a gate's result into the run state, and the refs that keep what
// it tested alive.
namespace wave::gate {

// "refs/wave/<run>/candidate/<label>": the last candidate built for a wave,
// kept reachable (and inspectable) from the gate to the merge.
std::string candidate_ref(const std::string& run, const std::string& label);

// The gate record of `report`, as state.json holds it.
run::GateRecord to_record(const GateReport& report);

// Records `report` as the gate of the wave attempt `wave` (status gated on
// pass, failed otherwise) with a
// compare-and-swap of the state ref; when another command wrote meanwhile,
// reads the state again and retries, unless that wave itself changed
// (merged, aborted or restarted): then throws wave::Error and records
// nothing. Also points candidate_ref() at the candidate.
void record_gate(git_repository* repo, const std::string& run, const run::WaveId& wave, const GateReport& report);

} // namespace wave::gate
