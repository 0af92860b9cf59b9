#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

// `git wave run`: the lead's loop done by the tool. For the wave in
// progress it launches each agent's `launch` command in its worktree with
// its brief on stdin, supervises it (process group, a log per attempt,
// timeout, stall), counts it done only on evidence it checks itself (exit 0,
// changes, ownership audit, its own gate), relaunches only what failed as a
// continuation (the brief says why the last attempt ended), then gates and
// merges the wave and goes on, until the plan is done or something needs a
// person. Every launch and end is recorded with its time in the run state.
//
// Runs with the run lock held by the caller. A killed run leaves attempts
// recorded as running: the next run waits for such an attempt while its
// agent still holds the agent lock (an flock its process inherited), reads
// how it ended, and never runs two attempts of one agent at once.
namespace wave::flow {

struct RunOptions {
  bool one_wave = false;      // stop once a wave is merged
  bool no_merge = false;      // stop once the wave's gate passed
  std::string agent;          // only this agent: launch and prove it, no gate
  bool tmux = false;          // each attempt in a window of the run's tmux session (runner/tmux)
  std::optional<int> bisect_runs; // gate runs to find a culprit (0: none); nothing: the plan's
  std::filesystem::path self; // the git-wave program, for the commands it launches (log relay, presets)
};

// One thing that happened, for the terminal, --json and notify commands.
struct Event {
  // launched, exited, retried, budget, committed, gate-step, gated, merged,
  // started, blocked, done
  std::string type;
  std::string at;    // ISO-8601 UTC
  std::string wave;  // label, or empty
  std::string agent; // or empty
  int attempt = 0;   // or 0
  std::string detail; // one line
  std::string log;    // a log file, or empty
  bool ok = true;     // for exited, gate-step, gated: did it pass
  // For exited, and a budget event that ends an attempt: what the attempt
  // spent, as its agent CLI reported it.
  std::optional<run::Usage> usage;
};

enum class RunEnd { done, stopped, blocked };

struct RunHooks {
  // Starts the next wave (the run lock is held); returns false when every
  // wave is merged. Throws wave::Error when it cannot.
  std::function<bool()> start_next;
  std::function<void(const Event&)> emit;
  // A run kept on a remote: `publish` after a gate is recorded and after a
  // merge, `land` as the merge's MergeOptions::publish. Unset: none.
  std::function<void()> publish;
  std::function<void(const run::WaveRun&)> land;
};

struct RunResult {
  RunEnd end = RunEnd::done;
  std::string blocked;           // what needs a person, when blocked
  std::vector<std::string> next; // what to do about it
};

RunResult drive(git_repository* repo, const std::string& run, const RunOptions& options,
                const RunHooks& hooks);

// The log of the latest attempt of `agent`, or empty.
std::filesystem::path latest_log(const run::State& state, const std::string& agent);

} // namespace wave::flow
