#pragma once

#include "git/handle.hpp"
#include "plan/model.hpp"
#include "run/store.hpp"

#include <cstddef>
#include <string>

// The run and wave a gate, merge, abort or commit command works on, read
// from the run state and its recorded plan (never the working tree's plan).
namespace wave::cli {

struct WaveContext {
  git::Repo repo;
  run::Stored stored;
  plan::Plan plan;      // parsed from the recorded snapshot
  std::size_t wave = 0; // index in stored.state.waves

  run::WaveRun& wave_run() { return stored.state.waves[wave]; }
  const run::WaveRun& wave_run() const { return stored.state.waves[wave]; }
  const std::string& run_name() const { return stored.state.run; }
};

// The run: as select_run() finds it (`run_option`, the current agent branch's
// run, the only run, the working tree's plan's run). The wave: the one labelled
// `wave_option` (its latest attempt that was not aborted), else the run's
// current wave. Throws Error naming what is missing, with hints.
WaveContext load_wave(const std::string& run_option, const std::string& wave_option);

} // namespace wave::cli
