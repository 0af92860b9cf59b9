#pragma once

#include <git2.h>

#include "flow/abort.hpp"
#include "flow/merge.hpp"
#include "flow/repair.hpp"
#include "run/state.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// The first thing every command that changes a run does, under the run
// lock: clear the lock files a killed git wave left on the refs only it
// writes, then finish the intent a killed command left in the state (a lead
// commit, a merge, an abort), so that the command then starts from a settled
// run. Nothing here guesses whether another process is alive: the run lock
// says no other git wave command is at work.
namespace wave::flow {

struct Recovery {
  std::vector<std::string> notes; // one line per thing done, for the user
  // The last intent finished: its kind and the wave attempt's place in the
  // state, so that the command a kill interrupted, run again, can report
  // its own work as done.
  std::optional<std::pair<run::IntentKind, std::size_t>> finished;
  std::optional<MergeOutcome> merged;    // what finishing a merge did
  std::optional<AbortOutcome> aborted;   // what finishing an abort did
  std::optional<RepairOutcome> repaired; // what finishing a repair did
};

// Throws wave::Error when an intent cannot be finished (e.g. a lock file of
// git's own is in the way), naming what is in the way; the intent then
// stays for the next command.
Recovery recover(git_repository* repo, const std::string& run);

// The lock files part of recover() alone, for what must run before it (a
// run kept on a remote brings the clone level first); one note per lock
// removed.
std::vector<std::string> clear_stale_locks(git_repository* repo, const std::string& run);

} // namespace wave::flow
