#pragma once

#include "flow/archive.hpp"
#include "run/wave_id.hpp"

#include <git2.h>

#include <string>
#include <vector>

// `git wave abort`: throw a wave away so a re-briefed wave can start clean
// (seed 002: roll back, don't paper over), losing nothing: every agent's
// commits, and any uncommitted work in its worktree (committed on top, as
// `git stash` does), stay reachable from an archive ref.
namespace wave::flow {

struct AbortOutcome {
  Archive archive;
  std::vector<std::string> saved; // agents whose uncommitted work went into the archive
  std::vector<std::string> done;  // "removed worktree ...", "deleted branch ..."
  std::vector<std::string> kept;  // what stayed and why
  bool resumed = false;           // finished an abort a kill interrupted
};

// Aborts the wave attempt `wave` of `run`, under the run lock: what to keep
// is read and recorded as the wave's intent (the archive ref, each agent's
// tip and kept commit), then the archive, then worktrees and branches, then
// the state (status aborted, the archive ref). Run again after a kill, it
// finishes from the intent; a worktree that changed since is left alone.
// Refuses (Error, nothing changed) a merged wave and a worktree whose work
// cannot be saved (unresolved conflicts, another branch checked out). A
// worktree that cannot be removed keeps its branch and is listed in `kept`.
AbortOutcome abort_wave(git_repository* repo, const std::string& run, const run::WaveId& wave);

} // namespace wave::flow
