#pragma once

#include "util/process.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// `git wave run --tmux`: each attempt runs in a window of a tmux session of
// the run ("wave-<run>"), on a real terminal a person can watch and type
// into (`git wave attach`), instead of in a hidden process group. The
// supervision is the same: a log per attempt (the pane's output, piped by
// tmux), the exit status, the timeout and stall detection that kill the
// attempt's processes, and the agent lock, taken inside the window by
// flock(1), so a run killed meanwhile finds the attempt still at work.
namespace wave::flow {

// The tmux session of a run: "wave-<run>", '.' and ':' (which tmux does not
// take in session names) as '_'.
std::string tmux_session(const std::string& run);

// Is tmux there, and flock(1)? Names what is missing, or nothing.
std::optional<std::string> tmux_missing();

// The pane ("%12") of the window named `agent` in `session`, if any.
std::optional<std::string> tmux_pane_of(const std::string& session, const std::string& agent);

struct TmuxAttempt {
  std::string session;
  std::string window;                                   // the agent's name
  std::filesystem::path cwd;                            // its worktree
  std::vector<std::pair<std::string, std::string>> env; // GIT_WAVE_* (LAUNCH, BRIEF, EXIT_FILE among them)
  std::vector<std::string> unset;                       // removed from the environment
  std::filesystem::path log;                            // the pane's output is appended here
  // The shell command that writes the pane's output there from its input
  // (the capping relay); empty: cat >>log.
  std::string log_pipe;
  std::filesystem::path lock;      // the agent lock, taken inside the window
  std::filesystem::path exit_file; // the launch command's exit status
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::chrono::milliseconds> idle_timeout;
  std::function<std::optional<std::chrono::milliseconds>()> active; // as util::ProcessOptions::active
  std::optional<std::chrono::milliseconds> quiet_after;     // as util::ProcessOptions
  std::function<void(std::chrono::milliseconds)> on_quiet;
  std::function<std::optional<std::string>()> end_if; // as util::ProcessOptions::end_if
  std::chrono::milliseconds kill_grace{2000};
  const std::atomic<bool>* cancel = nullptr; // set: kill the attempt and return
};

// Runs the attempt in a new window (the agent's previous window, ended, is
// replaced) and waits for it to end. The result reads as run_process's.
// Throws wave::Error when tmux cannot make the window.
util::ProcessResult run_in_tmux(const TmuxAttempt& attempt);

} // namespace wave::flow
