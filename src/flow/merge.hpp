#pragma once

#include "run/state.hpp"
#include "run/wave_id.hpp"

#include <git2.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// `git wave merge`: the integration branch moves to the gated candidate, and
// only to it, only if nothing moved since the gate, with a compare-and-swap.
//
// Run under the run lock. Everything that can refuse is checked first; then
// the wave is recorded as merged with its intent (from, to, the archive ref,
// the agents' tips), then the branch moves with compare-and-swap, its
// worktree follows, the agents' worktrees and branches go, and the intent is
// cleared. A merge killed at any point is finished by the next command of
// the run (flow/recover), which calls merge_wave on the recorded intent.
namespace wave::flow {

struct MergeOptions {
  bool keep = false; // keep the wave's worktrees and branches
  // Called once the merge is recorded, before anything here moves: a run
  // kept on a remote lands it there (one atomic push). Throwing refuses the
  // merge: the record is undone and the error goes to the caller.
  std::function<void(const run::WaveRun&)> publish;
};

struct MergeOutcome {
  git_oid from{};
  git_oid to{};
  bool resumed = false;                          // finished a merge interrupted before
  std::optional<std::filesystem::path> worktree; // the integration branch's worktree, brought along
  std::string worktree_problem;  // why it could not be brought along (the branch moved anyway)
  std::vector<std::string> done; // "removed worktree ...", "deleted branch ..."
  std::vector<std::string> kept; // what stayed and why
  std::string archive;           // ref keeping squashed branches' commits
};

// Merges the wave attempt `wave` of `run`.
// Refusals throw wave::Error: exit 1 when the gate does not cover what is
// there now (not gated, gate failed, something moved, already merged or
// being merged), with what moved in the message; 128 when the integration
// branch's worktree is dirty or git fails. Nothing is changed by a refusal.
MergeOutcome merge_wave(git_repository* repo, const std::string& run, const run::WaveId& wave,
                        const MergeOptions& options);

} // namespace wave::flow
