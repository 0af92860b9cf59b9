#pragma once

#include "cli/interrupt.hpp"
#include "flow/recover.hpp"
#include "git/handle.hpp"
#include "plan/model.hpp"
#include "run/lock.hpp"
#include "run/store.hpp"

#include <cstddef>
#include <memory>
#include <string>

// The run and wave a gate, merge, abort or commit command works on, read
// from the run state and its recorded plan (never the working tree's plan).
namespace wave::cli {

struct WaveContext {
  git::Repo repo;
  std::unique_ptr<run::RunLock> lock;                // held by commands that change the run
  std::unique_ptr<KillChildrenOnSignal> interrupts;  // their children go down with them
  run::Stored stored;
  plan::Plan plan;      // parsed from the recorded snapshot
  std::size_t wave = 0; // index in stored.state.waves
  // This command's own work on that wave was interrupted by a kill and has
  // just been finished (lock_wave): there is nothing left for it to do.
  bool finished = false;
  flow::Recovery recovery; // what lock_wave finished first

  run::WaveRun& wave_run() { return stored.state.waves[wave]; }
  const run::WaveRun& wave_run() const { return stored.state.waves[wave]; }
  const std::string& run_name() const { return stored.state.run; }
};

// The run: as select_run() finds it (`run_option`, the current agent branch's
// run, the only run, the working tree's plan's run). The wave: the one labelled
// `wave_option` (its latest attempt that was not aborted), else the run's
// current wave. Throws Error naming what is missing, with hints.
WaveContext load_wave(const std::string& run_option, const std::string& wave_option);

// The same for a command that changes the run (`command`: "gate", "merge",
// ...): the run lock is taken before the state is read, what a killed
// command left is finished first (each thing done told on stderr as a
// note), and a SIGINT or SIGTERM takes the command's children down with it.
WaveContext lock_wave(const std::string& run_option, const std::string& wave_option, std::string_view command);

// The start of every command that changes run `run`: the run lock, then
// flow::recover(), its notes printed on stderr.
std::unique_ptr<run::RunLock> lock_run(git_repository* repo, const std::string& run, std::string_view command,
                                       flow::Recovery* recovery = nullptr);

} // namespace wave::cli
