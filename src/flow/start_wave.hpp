#pragma once

#include "cli/term.hpp"
#include "flow/remote.hpp"
#include "git/handle.hpp"
#include "plan/model.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

// `git wave start`, also run by `git wave run` between waves: first what is
// read before the run lock is taken (the repository, the plan committed on
// the integration branch, the run's name), then the start itself.
namespace wave::cli {

struct StartOptions {
  std::string plan_option;
  std::string wave;      // a label, or empty for the next wave
  std::string worktrees; // a template overriding the plan's
  unsigned jobs = 1;
  std::chrono::milliseconds setup_timeout = std::chrono::minutes(20);
  bool no_hooks = false;
  std::optional<ColorWhen> color;
  bool launched = false; // git wave run launches the agents: no "brief an agent" advice
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

// Reads where the run starts from; throws Error for a bare repository, a
// detached HEAD, an agent branch, a plan not committed or edited.
StartPlace prepare_start(const StartOptions& options);

enum class StartOutcome { ready, complete, setup_failed };

// Starts (or completes) the next wave of the run, with the run lock held by
// the caller; prints what it does. `outcome` (when given) says how it went.
// The integration branch's tip is read again first: a merge that held the
// lock meanwhile moved it.
int start_locked(StartPlace& place, const StartOptions& options, StartOutcome* outcome = nullptr);

// The remote the run is kept on (`option`, else the `remote` of the plan
// recorded for the run, else of the committed plan), named for lock_run;
// nothing when there is none.
std::optional<flow::RemoteRun> remote_for_start(const StartPlace& place, const std::string& option);

// After a start with a remote: the wave's branches and the run's state go
// there in one atomic push. Throws Error with git's words when refused.
void publish_start(git_repository* repo, flow::RemoteRun& remote);

} // namespace wave::cli
