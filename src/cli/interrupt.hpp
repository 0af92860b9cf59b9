#pragma once

#include <thread>

// Gate commands run in process groups of their own (so that a timeout kills
// everything they started), which also keeps them out of the terminal's
// Ctrl-C. While this guard lives, SIGINT, SIGTERM and SIGHUP make git wave
// take the process groups it runs (util::run_process) down with it: SIGTERM to each, SIGKILL to
// what is left a moment later, then the signal's default action.
namespace wave::cli {

class KillChildrenOnSignal {
public:
  KillChildrenOnSignal();
  KillChildrenOnSignal(const KillChildrenOnSignal&) = delete;
  KillChildrenOnSignal& operator=(const KillChildrenOnSignal&) = delete;
  ~KillChildrenOnSignal();

private:
  std::thread m_watcher;
};

} // namespace wave::cli
