#pragma once

#include "flow/start.hpp"
#include "git/handle.hpp"
#include "git/hooks.hpp"
#include "plan/diagnostic.hpp"
#include "plan/model.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// `git wave start`, also run by `git wave run` between waves: first what is
// read before the run lock is taken (the repository, the plan committed on
// the integration branch, the run's name), then the start itself, which
// returns a report of what it did (the command renders it) and tells an
// observer as it goes (the plan's diagnostics, each agent set up).
namespace wave::flow {

struct StartOptions {
  std::string plan_option;
  std::string wave;      // a label, or empty for the next wave
  std::string worktrees; // a template overriding the plan's
  unsigned jobs = 1;
  std::chrono::milliseconds setup_timeout = std::chrono::minutes(20);
  bool no_hooks = false;
};

struct CommittedPlan {
  std::string text;
  plan::Plan plan;
  git_oid tip{};
};

struct StartPlace {
  git::Repo repo;
  std::filesystem::path root;
  std::string current;     // the checked-out branch
  std::string integration; // the run's integration branch
  std::string shown;       // the plan's path as shown
  std::string rel;         // the plan's path in the tree
  CommittedPlan committed;
  std::string run_name;
};

enum class StartOutcome { ready, complete, setup_failed };

// One agent's worktree as the start left it.
struct AgentSetup {
  std::string name;
  std::string worktree;
  bool ok = true;
  std::string error;     // why not ok
  std::string setup_log; // its setup's log
  // Why a commit in its worktree will not run the ownership check (a hook
  // manager replaced the hook), or nothing when it will; told only for
  // agents set up.
  std::optional<std::string> unchecked;
};

// Installing the pre-commit hook failed: why, as the Error said it.
struct HookProblem {
  std::string message;
  std::vector<std::string> hints;
};

struct StartReport {
  std::string run;
  std::string integration;
  // The plan committed on the integration branch is not the one the run
  // started with: the run goes on with its recorded plan.
  bool recorded_plan_differs = false;
  Decision::Kind kind = Decision::Kind::start;
  bool nothing_to_do = false; // the wave is started already
  std::string label;
  std::string base;                     // the agents' base commit
  std::vector<std::string> agents;      // the wave's agents, by name
  std::optional<git::HookInstall> hook; // what installing the pre-commit hook did
  std::optional<HookProblem> hook_problem;
  std::vector<AgentSetup> setups; // the agents this start set up, in order
  StartOutcome outcome = StartOutcome::ready;

  std::size_t failed() const;
};

// What a start tells as it goes, for the terminal.
class StartObserver {
public:
  StartObserver() = default;
  StartObserver(const StartObserver&) = delete;
  StartObserver& operator=(const StartObserver&) = delete;
  virtual ~StartObserver() = default;

  // A plan was read (the committed one, the one recorded for the run) with
  // these diagnostics. When they hold errors the start ends after this
  // with wave::Exit: they are what the user sees.
  virtual void plan_read(const plan::Diagnostics& diagnostics) = 0;
  // The run goes on with its recorded plan (report.recorded_plan_differs),
  // told before that plan is read.
  virtual void plan_differs(const StartReport& report) = 0;
  // The wave is decided and the hook installed; nothing is made yet.
  virtual void decided(const StartReport& report) = 0;
  // An agent is set up, or failed to be (serialised).
  virtual void agent_done(const AgentSetup& setup) = 0;
};

// Reads where the run starts from; throws Error for a bare repository, a
// detached HEAD, an agent branch, a plan not committed or edited.
StartPlace prepare_start(const StartOptions& options, StartObserver& observer);

// Starts (or completes) the next wave of the run, with the run lock held by
// the caller, and says what it did. The integration branch's tip is read
// again first: a merge that held the lock meanwhile moved it.
StartReport start_wave(StartPlace& place, const StartOptions& options, StartObserver& observer);

} // namespace wave::flow
