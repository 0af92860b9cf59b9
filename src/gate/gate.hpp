#pragma once

#include "gate/audit.hpp"
#include "gate/candidate.hpp"
#include "gate/steps.hpp"
#include "plan/model.hpp"
#include "plan/ownership.hpp"
#include "run/state.hpp"
#include "run/wave_id.hpp"

#include <git2.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// `git wave gate`: lead commits, ownership audit, each agent's own gate, the
// candidate, the plan's gate on it in a scratch worktree, and the culprit
// when that fails. Reports progress through a Reporter and returns what it
// found; recording it in the run state is record_gate()'s job.
namespace wave::gate {

struct AgentInput {
  std::size_t plan_index = 0;
  std::string name;
  std::string task;
  std::string title;  // plan::title_of
  std::string branch; // full ref: refs/heads/wave/<run>/<agent>
  std::filesystem::path worktree;
  git_oid base{};
  std::vector<std::string> gate; // its own gate commands
  // May land with no change (plan::may_be_empty, or a person accepted its
  // branch): else an unchanged branch fails the gate, as it fails `run`'s
  // proof of done.
  bool may_be_empty = true;
};

struct GateInput {
  git_repository* repo = nullptr;
  const plan::Plan* plan = nullptr; // the recorded snapshot
  const plan::Ownership* ownership = nullptr;
  std::string run;
  std::string wave;               // label
  run::WaveId id;                 // the wave attempt, for intent records
  std::string command = "git wave commit"; // who records an intent
  std::string integration;        // full ref of the integration branch
  std::vector<AgentInput> agents; // in plan order
  std::filesystem::path log_dir;  // this gate's own folder of logs
  unsigned jobs = 1;              // agents' gates at once
  bool lead_commits = true;       // commit agents' uncommitted work first
  bool bisect = true;             // find the culprit when the combined gate fails
  std::optional<int> bisect_runs; // at most this many gate runs for it (the plan's [gate] bisect)
  // Commits the plan's gate passed on before in this run (gated and merged
  // waves): a bisection takes a candidate with one of their trees as passing
  // without running the gate again.
  std::vector<git_oid> passed;
};

// One line of the record: a step and how it went.
struct StepRecord {
  Step step;
  StepResult result;
};

struct LeadCommit {
  std::string agent;
  std::optional<git_oid> commit; // made
  std::size_t files = 0;         // changed files found in the worktree
  std::vector<Finding> refused;  // why it was not made: foreign files
  std::string error;             // why it could not be tried (worktree missing, conflicts)

  bool clean() const noexcept { return !commit && files == 0 && refused.empty() && error.empty(); }
  bool ok() const noexcept { return refused.empty() && error.empty(); }
};

struct GateReport {
  bool pass = false;
  std::string summary;                               // why it failed, one line; empty on pass
  git_oid base{};                                    // integration tip tested
  std::vector<std::pair<std::string, git_oid>> tips; // agent -> tip tested, plan order
  std::optional<git_oid> candidate;
  std::vector<Applied> applied; // how each branch went into the candidate
  std::vector<StepRecord> steps;
  std::vector<LeadCommit> commits;
  std::vector<Finding> findings; // ownership audit
  std::vector<Finding> restored; // foreign paths changed, then put back as at the base: accepted
  std::optional<Conflict> conflict;
  bool bisected = false;
  int bisect_runs = 0;
  bool base_fails = false; // the integration tip alone fails the gate
  bool bisect_untestable = false;
  bool bisect_bounded = false; // it stopped at its bound of gate runs
  int bisect_reused = 0;       // results it knew already (a tree gated before), not run again
  std::vector<std::string> culprits;
  std::string started_at;
  std::string finished_at;
};

// The input for wave `wave` of `state`: its agents in plan order with their
// tasks and gates from `plan` (the recorded snapshot). Throws Error when the
// state names an agent the plan does not have. Options keep their defaults.
GateInput gate_input(git_repository* repo, const plan::Plan& plan, const plan::Ownership& ownership,
                     const run::State& state, const run::WaveRun& wave);

GateReport run_gate(const GateInput& in, Reporter& reporter);

// The lead commits (`git wave commit`, and the gate's first step): each
// agent's uncommitted work, checked against what it owns, committed on its
// branch as one commit with its task as message; an agent with foreign files
// is refused and keeps its work as it was. The commits are recorded as the
// wave's intent before the first worktree changes (when `in.run` is set),
// and the intent is cleared once they are all done.
std::vector<LeadCommit> commit_agents(const GateInput& in, const std::vector<std::size_t>& which);

} // namespace wave::gate
