#include "gate/steps.hpp"

#include "gate/gate_lock.hpp"
#include "git/worktree.hpp"
#include "util/process.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace wave::gate {

std::string_view to_string(StepStatus s) noexcept {
  switch (s) {
  case StepStatus::pass:
    return "pass";
  case StepStatus::fail:
    return "fail";
  case StepStatus::timeout:
    return "timeout";
  case StepStatus::skipped:
    break;
  }
  return "skipped";
}

StepResult run_step(const Step& step, Reporter& reporter) {
  reporter.step_started(step);
  util::ProcessOptions o;
  o.command = step.command;
  o.cwd = step.cwd;
  o.env = step.env;
  o.unset = git::outer_git_variables(); // as for setup: the step's own worktree, not an outer git's
  o.log = step.log;
  o.timeout = step.timeout;
  if (step.lock != nullptr) {
    o.inherit_fd = step.lock->fd();
    o.on_started = [&step](int pgid) { step.lock->running(pgid, step.command); };
  }
  StepResult r;
  util::ProcessResult p;
  try {
    p = util::run_process(o);
  } catch (const std::exception& e) {
    // Could not even start (no fork, no log file): a failed step, not a crash
    // of the worker thread.
    r.status = StepStatus::fail;
    r.detail = e.what();
    reporter.step_finished(step, r);
    return r;
  }
  if (step.lock != nullptr) {
    step.lock->running(0, "");
  }
  r.duration = p.elapsed;
  if (p.ok()) {
    r.status = StepStatus::pass;
  } else {
    r.status = p.timed_out ? StepStatus::timeout : StepStatus::fail;
    r.detail = p.describe();
  }
  reporter.step_finished(step, r);
  return r;
}

std::vector<std::vector<StepResult>> run_groups(const std::vector<std::vector<Step>>& groups, unsigned jobs,
                                                Reporter& reporter) {
  std::vector<std::vector<StepResult>> results(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    results[g].resize(groups[g].size());
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t g = next++; g < groups.size(); g = next++) {
      bool failed = false;
      for (std::size_t i = 0; i < groups[g].size(); ++i) {
        if (failed) {
          results[g][i] = StepResult{};
          reporter.step_finished(groups[g][i], results[g][i]);
          continue;
        }
        results[g][i] = run_step(groups[g][i], reporter);
        failed = results[g][i].status != StepStatus::pass;
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(std::max(jobs, 1U), groups.size());
  if (n <= 1) {
    worker();
    return results;
  }
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back(worker);
  }
  for (auto& t : threads) {
    t.join();
  }
  return results;
}

} // namespace wave::gate
