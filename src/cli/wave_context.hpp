#pragma once

#include "cli/interrupt.hpp"
#include "flow/recover.hpp"
#include "git/handle.hpp"
#include "plan/model.hpp"
#include "remote/remote.hpp"
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
  std::unique_ptr<run::RunLock> lock;               // held by commands that change the run
  std::unique_ptr<KillChildrenOnSignal> interrupts; // their children go down with them
  run::Stored stored;
  plan::Plan plan;      // parsed from the recorded snapshot
  std::size_t wave = 0; // index in stored.state.waves
  // This command's own work on that wave was interrupted by a kill and has
  // just been finished (lock_wave): there is nothing left for it to do.
  bool finished = false;
  flow::Recovery recovery; // what lock_wave finished first
  // The run is kept on a remote: what was fetched of it (and published since).
  std::optional<flow::RemoteRun> remote;

  run::WaveRun& wave_run() { return stored.state.waves[wave]; }
  const run::WaveRun& wave_run() const { return stored.state.waves[wave]; }
  const std::string& run_name() const { return stored.state.run; }
};

// The run: as select_run() finds it (`run_option`, the current agent branch's
// run, the only run, the working tree's plan's run). The wave: the one labelled
// `wave_option` (its latest attempt that was not aborted), else the run's
// current wave. Throws Error naming what is missing, with hints.
//
// With a remote (`remote_option`, else the recorded plan's `remote`), the
// run is fetched first (a clone that has never seen it, e.g. in CI, finds it
// there) and this clone brought level with it (flow::sync); load_wave only
// fetches the state forward. A clone that cannot be brought level (an
// integration branch ahead, diverged branches) is refused by lock_wave.
WaveContext load_wave(const std::string& run_option, const std::string& wave_option,
                      const std::string& remote_option = {});

// The same for a command that changes the run (`command`: "gate", "merge",
// ...): the run lock is taken before the state is read, what a killed
// command left is finished first (each thing done told on stderr as a
// note), and a SIGINT or SIGTERM takes the command's children down with it.
WaveContext lock_wave(const std::string& run_option, const std::string& wave_option, std::string_view command,
                      const std::string& remote_option = {});

// The start of every command that changes run `run`: the run lock, then
// flow::recover(), its notes printed on stderr.
// With `remote` (a RemoteRun holding the remote's name, the run's and, when
// known, the integration branch's), the run is fetched and synced under
// the lock before recovery; `*remote` is then what was fetched.
std::unique_ptr<run::RunLock> lock_run(git_repository* repo, const std::string& run, std::string_view command,
                                       flow::Recovery* recovery = nullptr, flow::RemoteRun* remote = nullptr);

// The index of agent `agent` in `plan` (a run's recorded plan); an
// unknown one is an Error "run 'x' has no agent 'y'" with "did you mean"
// and the run's agents as hints.
std::size_t require_agent(const plan::Plan& plan, const std::string& agent);

// The remote run `run` is kept on: `option` when given, else the `remote` of
// the plan recorded for it here, else (a clone that has not seen the run)
// of the working tree's plan when it is that run's (or `run` is empty);
// empty when none.
std::string remote_of(git_repository* repo, const std::string& run, const std::string& option);

// Publishes what this command changed of a run kept on a remote (nothing
// without one). A refusal is told on stderr as a warning: the next command
// of the run publishes it, or takes the remote's record.
void publish_after(git_repository* repo, std::optional<flow::RemoteRun>& remote);

// After the remote refused a merge's landing (flow::LandRefused; the claim
// here undone): this clone takes the remote's record of the run. A failure
// to do so is a warning, so that the refusal itself is what the user sees.
void take_remote_record(git_repository* repo, const flow::RemoteRun& remote);

} // namespace wave::cli
