#pragma once

#include "plan/model.hpp"
#include "plan/schedule.hpp"
#include "run/state.hpp"
#include "run/store.hpp"

#include <git2.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Starting (or continuing) a wave: branches wave/<run>/<agent> at the
// integration tip, a linked worktree for each, setup. Two steps: decide()
// reads everything and refuses -- before anything is changed -- what cannot
// be done; execute() converges the repository to the decision, recording the
// wave in the run state first so that a killed start is completed by the
// next one.
namespace wave::flow {

struct StartInput {
  git_repository* repo = nullptr;
  std::filesystem::path main_root;  // the main worktree: {repo} and `copy` sources
  const plan::Plan* plan = nullptr; // the run's plan (the recorded snapshot once there is one)
  const plan::Schedule* schedule = nullptr;
  std::string plan_text;          // the snapshot to record
  std::string plan_commit;        // where the snapshot was read from (a new run)
  std::string plan_path;          // the plan's path in that commit's tree
  std::string integration;        // branch name
  std::string integration_tip;    // its tip, 40-hex
  const run::Stored* stored = nullptr; // the run's state, if it exists
  std::string wave;               // --wave, or empty for the next one
  std::string worktrees;          // --worktrees template, or empty for the plan's
};

enum class WorktreeAction {
  ready,    // registered, checked out
  add,      // register and check out
  re_add,   // registered but its folder is gone: register again, check out
  checkout, // registered, never checked out (a start was killed)
  redo,     // a `git worktree add` was killed half way: discard what it left, then add
  reuse,    // move the parked worktree `record.reused` here, then switch it to the branch
  repair,   // a killed `git worktree move` left it here unregistered: repair, then switch
  switch_,  // moved here already: switch it to the branch (again)
};

struct AgentStep {
  std::size_t agent = 0; // index in the plan
  run::AgentRun record;       // as recorded once done
  std::string half_made; // WorktreeAction::redo: the admin folder to discard
  bool create_branch = false;
  WorktreeAction worktree = WorktreeAction::ready;
  // WorktreeAction::reuse decided now: what git ignores in the parked
  // worktree, all a switch deletes (without it, `git clean` looks).
  std::optional<std::vector<std::string>> ignored;
  bool run_setup = false;

  bool idle() const noexcept { return !create_branch && worktree == WorktreeAction::ready && !run_setup; }
};

struct Decision {
  enum class Kind {
    start,    // a new wave: recorded first, then made
    resume,   // the current wave, recorded already: complete what is missing
    complete, // every wave of the run is merged: nothing to do
  };
  Kind kind = Kind::start;
  std::size_t wave_index = 0; // in schedule->waves
  std::string label;
  std::string base; // the agents' base commit
  std::vector<AgentStep> agents;
  // Parked worktrees of the last wave no agent of this one takes: removed.
  std::vector<std::filesystem::path> surplus;

  bool nothing_to_do() const;
};

// Decides what `start` must do, reading only. Throws Error for anything that
// makes the start impossible (unknown wave, previous wave not merged, a
// branch or worktree path taken by something else), listing every problem.
Decision decide(const StartInput& in);

struct AgentOutcome {
  std::size_t step = 0; // index in decision.agents
  bool ok = true;
  std::string error; // when not ok
};

struct ExecuteOptions {
  unsigned jobs = 2; // checkouts and setups at once
  std::chrono::milliseconds setup_timeout{std::chrono::minutes(20)};
  // Called (serialised) as each agent is done.
  std::function<void(const AgentStep&, const AgentOutcome&)> on_agent;
};

struct ExecuteResult {
  std::vector<AgentOutcome> outcomes; // one per agent step, in order
  bool recorded = false;              // a state commit was written
};

// Makes the decision real. A new wave is recorded (all agents `pending`)
// before anything is created; the outcome of every agent is recorded at the
// end in one more state commit. A lost compare-and-swap throws Conflict.
ExecuteResult execute(const StartInput& in, Decision& decision, const ExecuteOptions& options);

} // namespace wave::flow
