#pragma once

#include "plan/model.hpp"
#include "plan/ownership.hpp"
#include "run/state.hpp"
#include "run/wave_id.hpp"

#include <git2.h>

#include <string>
#include <vector>

// `git wave repair AGENT`: the way out for an agent whose commits touch
// files it does not own (issue 10, item 7). Its branch is rewritten without
// those changes -- each commit replayed with the foreign paths as they are at
// the wave's base, commits left empty dropped, messages and authors kept --
// and the original tip is kept under an archive ref.
//
// The protocol (docs/crash-safety.md), under the run lock: everything that
// can refuse is checked and the new commits are written (objects only);
// the intent records the branch's old and new tip and the archive ref; then
// the archive is written, the worktree's files and index for those paths
// are brought to the new tip's content, the branch moves with
// compare-and-swap, and the intent is cleared. Each step can be repeated, so
// the next command of the run finishes a repair a kill interrupted.
namespace wave::flow {

struct RepairOutcome {
  std::string agent;
  git_oid from{};                 // the branch's tip before
  git_oid to{};                   // after (== from when there was nothing to repair)
  std::vector<std::string> paths; // the foreign paths put back as at the base
  std::size_t commits = 0;        // commits replayed
  std::size_t dropped = 0;        // commits that became empty
  std::string archive;            // the ref keeping the original tip: <archive>^1
  bool worktree_synced = false;   // the worktree's files and index followed
  std::string note;               // what was left alone and why, for the user
  bool resumed = false;           // finished a repair a kill interrupted
};

// Repairs agent `agent` of wave attempt `wave` of `run` by `plan` (the
// recorded one). Refuses (wave::Error, nothing changed) a merged or aborted
// wave, a missing branch, and a worktree with uncommitted changes to the
// paths it would rewrite (or git's index.lock present there). A non-empty
// `message` becomes the message of the rewritten tip (its author and
// committer kept): the one it had may name the changes the repair dropped.
RepairOutcome repair_agent(git_repository* repo, const std::string& run, const run::WaveId& wave,
                           const plan::Plan& plan, const plan::Ownership& ownership, const std::string& agent,
                           const std::string& message = {});

// Finishes the repair intent of wave attempt `wave` after a kill.
RepairOutcome finish_repair(git_repository* repo, const std::string& run, const run::WaveId& wave);

} // namespace wave::flow
