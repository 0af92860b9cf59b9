#pragma once

#include "plan/model.hpp"

#include <chrono>
#include <filesystem>
#include <string>

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
};

// Copies and runs; stops at the first failure. Commands run with /bin/sh in
// their own process group, with WAVE_RUN, WAVE_WAVE, WAVE_AGENT, WAVE_BRANCH,
// WAVE_BASE and WAVE_WORKTREE in the environment; a command still running at
// `timeout` is killed with its whole group.
SetupOutcome run_setup(const plan::Plan& plan, const plan::Agent& agent, const SetupContext& context);

// Appends a line to a log file (creating its folder).
void log_line(const std::filesystem::path& log, std::string_view line);

} // namespace wave::flow
