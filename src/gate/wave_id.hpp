#pragma once

#include "run/state.hpp"

#include <cstddef>
#include <string>

namespace wave::gate {

// One attempt at a wave in the run state: its place in `waves` (entries are
// only ever appended), its label and when it started. A wave started again
// after an abort is another attempt, with the same label.
struct WaveId {
  std::size_t index = 0;
  std::string label;
  std::string started_at;

  static WaveId of(const run::State& state, const run::WaveRun& wave);

  // This attempt's entry in `state`, or null when the entry at its place is
  // not it any more.
  run::WaveRun* find(run::State& state) const;
  const run::WaveRun* find(const run::State& state) const;
};

} // namespace wave::gate
