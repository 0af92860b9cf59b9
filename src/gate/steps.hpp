#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Gate steps: shell commands run in a given directory with a log, a timeout
// and the wave's context in the environment (util::run_process does the
// process-group work). Groups of steps run in parallel, the steps of one
// group in order.
namespace wave::gate {

class GateLock;

enum class StepStatus { pass, fail, timeout, skipped };
std::string_view to_string(StepStatus s) noexcept;

struct Step {
  std::string name;    // what it is: "agent gate", "gate", "bisect 2/3"
  std::string agent;   // whose it is; empty for the plan's gate
  std::string command; // run as /bin/sh -c COMMAND
  std::filesystem::path cwd;
  std::filesystem::path log;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<std::chrono::milliseconds> timeout;
  // The lock of the worktree it runs in (gate/gate_lock.hpp), handed to its
  // processes as their fd 3; not owned, only used while it runs.
  const GateLock* lock = nullptr;
};

struct StepResult {
  StepStatus status = StepStatus::skipped;
  std::chrono::milliseconds duration{0};
  std::string detail; // "exit 2", "timed out after 20m00s"; empty when passed or skipped
};

// Told about every step as it starts and ends. Called from worker threads:
// implementations serialise themselves.
class Reporter {
public:
  Reporter() = default;
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;
  virtual ~Reporter() = default;

  virtual void step_started(const Step& step) = 0;
  virtual void step_finished(const Step& step, const StepResult& result) = 0;
  // A line about the gate as a whole ("building the candidate ...").
  virtual void note(std::string_view text) = 0;
  // The gate waits for, or stops, a gate that holds the worktree it needs
  // (gate/gate_lock.hpp): one line saying which.
  virtual void waiting(std::string_view text) { note(text); }
};

// Runs one step now, on this thread.
StepResult run_step(const Step& step, Reporter& reporter);

// Runs the groups: the steps of one group in order, stopping at the first
// that does not pass (the rest are reported and returned as skipped); up to
// `jobs` groups at once. The results have the shape of `groups`.
std::vector<std::vector<StepResult>> run_groups(const std::vector<std::vector<Step>>& groups, unsigned jobs,
                                                Reporter& reporter);

} // namespace wave::gate
