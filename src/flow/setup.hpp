#pragma once

#include "plan/model.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// Getting a new agent worktree ready to work in: the files listed in `copy`
// (plan-level, then the agent's) copied from the main worktree, then the
// `setup` commands (plan-level, then the agent's) run inside it.
namespace wave::flow {

struct SetupContext {
  std::string run;
  std::string wave; // label
  std::string base; // commit the agent branched from
  std::string branch;
  std::filesystem::path worktree;
  std::filesystem::path main_root;   // where `copy` entries are taken from
  std::filesystem::path log;         // everything is appended here
  std::chrono::milliseconds timeout; // per command
};

struct SetupOutcome {
  bool ok = true;
  std::string error; // what failed, for the user: "setup command 'npm ci' failed (exit 1)"
  // A command exited with a failure (it did not time out, nobody stopped
  // it): one that raced another setup on shared state may pass when run alone.
  bool command_failed = false;
};

// Copies and runs; stops at the first failure (a command that failed on
// git's config lock is first retried, see config_lock_retry). Commands run with /bin/sh in
// their own process group, with WAVE_RUN, WAVE_WAVE, WAVE_AGENT, WAVE_BRANCH,
// WAVE_BASE and WAVE_WORKTREE in the environment; a command still running at
// `timeout` is killed with its whole group.
SetupOutcome run_setup(const plan::Plan& plan, const plan::Agent& agent, const SetupContext& context);

// Setups of one wave run in parallel (git wave start -j), and hook
// managers' installs (husky, lefthook) write the repository's shared
// .git/config, which git locks without waiting: the second fails with
// "could not lock config file" (husky says so, then exits 0 all the same,
// its hooks not set up). Such a command is run again, whatever its exit
// status: config_lock_retry gives the delay before attempt `attempt + 1`
// (attempt counts from 1) of a command whose own output was `output`, or
// nothing when that is not git's config lock failure or the attempts are
// spent (5 in all; 100 ms, then doubling, plus up to 100 ms of `jitter_ms`,
// so that two setups that collided do not collide again). A command whose
// last attempt still says so failed, whatever its exit status.
std::optional<std::chrono::milliseconds> config_lock_retry(int attempt, std::string_view output,
                                                           int jitter_ms);
bool config_locked(std::string_view output);

// Appends a line to a log file (creating its folder).
void log_line(const std::filesystem::path& log, std::string_view line);

} // namespace wave::flow
