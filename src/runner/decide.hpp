#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <string>
#include <vector>

// A person stepping into a run: `git wave accept`, `skip` and `relaunch`
// record a decision about one agent (run::Action) that `run`, `gate`,
// `status` and `report` act on. Each is checked against what is on disk
// before it is recorded, and recorded with one compare-and-swap: nothing
// else changes, so there is nothing to recover.
//
// The caller holds the run lock: a running `git wave run` holds it too, and
// is stopped first (its attempts end as interrupted and are read back).
namespace wave::flow {

struct DecideInput {
  git_repository* repo = nullptr;
  const plan::Plan* plan = nullptr; // the run's recorded plan
  std::string run;
  run::ActionKind kind = run::ActionKind::accept;
  std::string agent;
  std::string reason; // -m, or empty
};

struct Decided {
  run::Action action;
  bool already = false;             // the same decision was in force: nothing recorded
  std::vector<std::string> skipped; // skip: the dependents skipped with it, with why
  std::vector<std::string> notes;   // what the person should know (uncommitted work, a gate to redo)
};

// Checks and records the decision. Throws wave::Error (nothing recorded)
// when it cannot hold: an agent with an attempt running, a merged one, a
// branch that touches what the agent does not own (accept), ...
Decided decide(const DecideInput& in);

} // namespace wave::flow
