#pragma once

#include "run/wave_id.hpp"

#include <git2.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// `git wave merge`: the integration branch moves to the gated candidate, and
// only to it, only if nothing moved since the gate, with a compare-and-swap.
//
// Exactly one of two concurrent merges wins: the first to record the wave as
// merged (a compare-and-swap of the run state, which also notes the process
// landing it) moves the branch; the other finds the wave merged or being
// merged. A merge killed half way is finished by running it again: the state
// names where the branch goes and the landing process is gone.
namespace wave::flow {

struct MergeOptions {
  bool keep = false; // keep the wave's worktrees and branches
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
