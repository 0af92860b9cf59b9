#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"
#include "run/wave_id.hpp"
#include "runner/runner.hpp"
#include "util/process.hpp"

#include <git2.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

// One attempt of an agent under `git wave run`: the lock that says it is
// still at work, the signs of activity that tell a silent agent from a
// stalled one, and the proof that it is done.
namespace wave::flow {

// The agent lock: held by every attempt's processes (inherited as their
// fd 3, or taken by flock(1) inside a tmux window) for as long as any of
// them runs, so a run that finds it held after a kill knows the attempt is
// still at work, without guessing from a pid.
std::filesystem::path agent_lock_path(git_repository* repo, const std::string& run, const std::string& agent);

// Locks the agent lock; -1 when an attempt still holds it. Throws
// wave::Error when the file cannot be opened.
int take_agent_lock(const std::filesystem::path& path);

// When did anything in the agent's worktree last change after `since`: a
// file or folder written, created, removed or renamed (its folder's time
// moves), a commit or a staging (its git dir's HEAD, index, logs)? The
// latest such time, on the files' clock; nothing when none is newer. A sign
// of life of an agent that writes no output, dated, so that a stall is
// measured from the agent's last act and not from when it was looked for.
// Walks the tree with no git process; .git folders (submodules) are skipped.
std::optional<std::filesystem::file_time_type> last_change(const std::filesystem::path& worktree,
                                                           std::filesystem::file_time_type since);
// Whether last_change() finds anything.
bool changed_since(const std::filesystem::path& worktree, std::filesystem::file_time_type since);

struct Verdict {
  run::AttemptEnd end = run::AttemptEnd::done;
  std::string detail;   // for the next attempt's brief: may run on over lines
  std::string headline; // one line for its event, ending on what it names; empty: detail's only line
};

struct ProofInput {
  git_repository* repo = nullptr;
  std::string run;
  const plan::Plan* plan = nullptr;
  run::WaveId id;
  const run::AgentRun* record = nullptr;
  util::ProcessResult result;             // how its process ended
  std::filesystem::path gate_log_base;    // its own gate's logs: <base>.gate-N.log
  std::function<void(Event)> emit;        // told of the lead commit
  // Nothing was launched: is what a person left there done? An unchanged
  // branch then never is, whatever allow_empty says.
  bool adopting = false;
};

// Done means proven: exit 0, something changed (or nothing, for a
// read-only agent or one allowed to finish empty), every changed path its own, its own gate green. What
// it left in its worktree is lead-committed on the way.
Verdict prove(const ProofInput& in);

} // namespace wave::flow
