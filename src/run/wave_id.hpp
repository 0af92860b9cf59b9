#pragma once

#include "run/state.hpp"

#include <cstddef>
#include <string>

namespace wave::run {

// One attempt at a wave in the run state: its place in `waves` (entries are
// only ever appended), its label and when it started. A wave started again
// after an abort is another attempt, with the same label.
struct WaveId {
  std::size_t index = 0;
  std::string label;
  std::string started_at;

  static WaveId of(const State& state, const WaveRun& wave);

  // This attempt's entry in `state`, or null when the entry at its place is
  // not it any more.
  WaveRun* find(State& state) const;
  const WaveRun* find(const State& state) const;
};

} // namespace wave::run
