#pragma once

#include <chrono>
#include <optional>

// Watching a running command for the limits a careful runner puts on it:
// a timeout from its start, a stall (no sign of life for `idle_timeout`),
// a quiet spell worth telling (`quiet_after`), and the grace between
// SIGTERM and SIGKILL once it is being stopped. Pure: the caller says what
// time it is and what it saw, the watcher says what is due; it signals
// nothing itself. Shared by run_process (a forked process group) and `git
// wave run --tmux` (a tmux pane's).
namespace wave::util {

struct WatchLimits {
  std::optional<std::chrono::milliseconds> timeout;      // from the start
  std::optional<std::chrono::milliseconds> idle_timeout; // without a sign of life
  std::optional<std::chrono::milliseconds> quiet_after;  // tell once per quiet spell
  std::chrono::milliseconds kill_grace{2000};            // SIGTERM, then SIGKILL after this
};

// What the caller must do now.
enum class WatchDue {
  nothing,
  timed_out, // stop it (SIGTERM) as timed out, then call stopping()
  idle,      // ask whether it did something else meanwhile: yes, sign_of_life(); no, stop it as stalled
  quiet,     // tell that it has been quiet for quiet_for()
  kill,      // the grace after SIGTERM is over: SIGKILL
};

class Watcher {
public:
  using Clock = std::chrono::steady_clock;

  Watcher(const WatchLimits& limits, Clock::time_point start);

  // Output, or activity the caller found, at `at` (which may be in the past:
  // a file changed a while ago): the idle and quiet clocks restart from
  // there, unless a later sign is already known.
  void sign_of_life(Clock::time_point at);
  // SIGTERM was sent: from now on only `kill` can be due, after the grace.
  void stopping(Clock::time_point now);
  bool is_stopping() const noexcept { return m_stopping; }

  // What is due at `now`, the most pressing first (kill, timeout, stall,
  // quiet); `quiet` is told once per quiet spell.
  WatchDue due(Clock::time_point now);
  // How long the last sign of life is ago.
  std::chrono::milliseconds quiet_for(Clock::time_point now) const;
  // How long the caller may wait for output before something can be due
  // (rounded up, at most a minute); nothing when only output can matter.
  std::optional<std::chrono::milliseconds> wait(Clock::time_point now) const;

private:
  WatchLimits m_limits;
  Clock::time_point m_start;
  Clock::time_point m_last_sign;
  Clock::time_point m_term_at{};
  bool m_stopping = false;
  bool m_quiet_told = false;
};

} // namespace wave::util
