#pragma once

#include <git2.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The run lock (docs/crash-safety.md, "1. The run lock"):
// every command that changes a run holds it from before it reads the state
// it decides on until it exits. It is an advisory flock(2) on
// <common git dir>/wave/<run>/lock, so the kernel drops it when the holder
// exits or is killed: there is never a stale run lock to clear, and no
// guess from process ids or host names. The holder removes the file as it
// lets go, so that a command leaves nothing behind. The file's text (who
// holds it, since when) only serves the message of a command that finds it
// taken.
// Readers (status, prompt, the hook) never take it.
namespace wave::run {

class RunLock {
public:
  // Takes the lock of `run`, waiting up to `wait` for a holder to finish;
  // then throws wave::Error naming the holder ("run 'r' is busy: git wave
  // gate holds its lock (process 12 on host, since ...)").
  RunLock(git_repository* repo, std::string_view run, std::string_view command,
          std::chrono::milliseconds wait = std::chrono::milliseconds(1000));
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

  const std::filesystem::path& path() const noexcept { return m_path; }

private:
  std::filesystem::path m_path;
  int m_fd = -1;
};

// Who holds the run lock now ("git wave gate holds its lock (process 12 on
// host, since ...)"), or nullopt when nobody does. Takes nothing.
std::optional<std::string> lock_holder(git_repository* repo, std::string_view run);

// "<common git dir>/wave/<run>/lock".
std::filesystem::path lock_path(git_repository* repo, std::string_view run);

// Under the run lock: removes the lock files a killed git wave left on the
// refs only git wave writes (refs/wave/<run>/**), which nothing else can be
// holding. Returns the files removed, relative to the common git dir.
std::vector<std::string> clear_ref_locks(git_repository* repo, std::string_view run);

// Is `lock` (a ref's lock file) what libgit2 leaves when it is killed
// between linking a finished lock to the ref and unlinking the lock: the
// same file as the ref itself? Such a lock guards nothing and can go.
bool is_spent_lock(const std::filesystem::path& ref_file, const std::filesystem::path& lock);

// The lock file git (or libgit2) keeps beside a ref while it updates it:
// "<common dir>/refs/heads/main.lock". Exists or not.
std::filesystem::path ref_lock_path(git_repository* repo, std::string_view ref);

} // namespace wave::run
