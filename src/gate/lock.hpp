#pragma once

#include <git2.h>

#include <filesystem>
#include <string>

// Processes of git wave that must not overlap on one run (two gates share
// the scratch worktree).
namespace wave::gate {

// This machine's name, as recorded next to a process id.
std::string host_name();

// Is process `pid` of host `host` still running? A process of another host
// cannot be checked and counts as running.
bool process_alive(long long pid, const std::string& host);

// <common dir>/wave/<run>/<name>.lock, held while the object lives. Another
// holder that is still running makes the constructor throw wave::Error
// naming it ("another git wave <what> is running on run 'r' (process N)");
// a lock left by a process that is gone is taken over.
class RunLock {
public:
  RunLock(git_repository* repo, const std::string& run, const std::string& name, const std::string& what);
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

private:
  std::filesystem::path m_path;
};

} // namespace wave::gate
