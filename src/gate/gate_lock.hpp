#pragma once

#include <git2.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

// One gate per worktree. A gate's commands run in a worktree (the run's
// scratch worktree for the plan's gate, an agent's worktree or scratch
// checkout for its own gate) for minutes, in process groups of their own
// that outlive a `git wave run` or `git wave gate` killed with -9. The gate
// lock is an flock(2) on a file beside the run's other locks, taken before
// the worktree is checked out and handed to every step as its fd 3, so it is
// held for as long as any process of the gate lives, its owner killed or
// not. The file's text names the owner, the step running and its process
// group.
//
// Who finds it held (a rerun, or `git wave gate` by hand) looks at who holds
// it, by the open files in /proc:
// - the owner itself (a live git wave): waits for it, saying so;
// - only the recorded step's process group (its owner was killed: its
//   result can never be recorded, so waiting would only cost the time of a
//   gate nobody reads): stops that group (SIGTERM; SIGKILL after 2 s) and
//   waits until it has let go;
// - neither (a daemon the gate left behind, out of its group): the gate is
//   over; the file is replaced, the daemon left alone.
// Only a group some member of which holds the lock file open is signalled:
// a recorded id that the system gave to another process is never hit.
namespace wave::gate {

// <common git dir>/wave/<run>/gates/scratch.lock for the plan's gate (agent
// empty), .../gates/agent-<agent>.lock for an agent's own gate.
std::filesystem::path gate_lock_path(git_repository* repo, const std::string& run, const std::string& agent);

// Stops every gate a killed command left running in the run's worktrees
// (as a GateLock does) and removes their lock files: before the scratch
// worktrees go.
void stop_gates(git_repository* repo, const std::string& run);

class GateLock {
public:
  // Takes the lock at `path` for the gate `command` ("git wave run") runs
  // in `where`, waiting for or stopping a gate found holding it (above);
  // `tell` hears one line each time it waits or stops something. Throws
  // wave::Error when the file cannot be opened.
  GateLock(std::filesystem::path path, std::filesystem::path where, std::string command,
           const std::function<void(std::string_view)>& tell);
  GateLock(const GateLock&) = delete;
  GateLock& operator=(const GateLock&) = delete;
  ~GateLock();

  // Handed to the gate's steps as their fd 3.
  int fd() const noexcept { return m_fd; }

  // Records the step now running, in process group `pgid` (0: none).
  void running(int pgid, std::string_view step) const;

private:
  std::filesystem::path m_path;
  std::filesystem::path m_where;
  std::string m_command;
  std::string m_since;
  int m_fd = -1;
};

} // namespace wave::gate
