#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <string>
#include <vector>

// `git wave amend`: a run in progress takes a later commit of its plan for
// the waves not yet started. Checked as a start checks a plan, and against
// what the run has done: the same run, base and remote; the waves started
// so far the same waves with the same agents; the agents in them owning and
// waiting for the same things. Task, gate, launch and the `[run]` settings
// may change for the wave in progress too: they take effect at its next
// attempt or gate. Recorded with one compare-and-swap (the new plan
// snapshot, plan_commit and plan_path, and the amendment in the run's
// history): nothing on disk changes, so there is nothing to recover.
//
// The caller holds the run lock.
namespace wave::flow {

struct AmendInput {
  git_repository* repo = nullptr;
  std::string run;
  const plan::Plan* plan = nullptr; // the committed plan, valid
  std::string text;                 // its text
  std::string plan_commit;          // the commit it was read from
  std::string plan_path;            // its path in that commit's tree
  bool dry_run = false;             // check and say, record nothing
};

struct Amended {
  bool same = false;                // the run already has this plan
  std::vector<std::string> changes; // what differs, one phrase each
  std::string from;                 // plan_commit before
};

// Throws wave::Error naming every reason the plan cannot be taken (nothing
// recorded).
Amended amend(const AmendInput& in);

// Why `state` (recorded with plan `was`) cannot take plan `now`, one phrase
// each; empty when it can. What amend checks, and what a clone checks of an
// amended state it fetches (remote/verify_state).
std::vector<std::string> amend_problems(const plan::Plan& was, const plan::Plan& now,
                                        const run::State& state);

} // namespace wave::flow
