#include "util/watch.hpp"

#include <algorithm>

namespace wave::util {

namespace {

using std::chrono::milliseconds;

// Until `at`, rounded up to the millisecond, never negative.
milliseconds until(Watcher::Clock::time_point now, Watcher::Clock::time_point at) {
  if (at <= now) {
    return milliseconds(0);
  }
  return std::chrono::ceil<milliseconds>(at - now);
}

} // namespace

Watcher::Watcher(const WatchLimits& limits, Clock::time_point start)
    : m_limits(limits), m_start(start), m_last_sign(start) {}

void Watcher::sign_of_life(Clock::time_point at) {
  if (at > m_last_sign) {
    m_last_sign = at;
    m_quiet_told = false; // a new quiet spell may begin
  }
}

void Watcher::stopping(Clock::time_point now) {
  if (!m_stopping) {
    m_stopping = true;
    m_term_at = now;
  }
}

WatchDue Watcher::due(Clock::time_point now) {
  if (m_stopping) {
    return now >= m_term_at + m_limits.kill_grace ? WatchDue::kill : WatchDue::nothing;
  }
  if (m_limits.timeout && now >= m_start + *m_limits.timeout) {
    return WatchDue::timed_out;
  }
  if (m_limits.idle_timeout && now >= m_last_sign + *m_limits.idle_timeout) {
    return WatchDue::idle;
  }
  if (m_limits.quiet_after && !m_quiet_told && now >= m_last_sign + *m_limits.quiet_after) {
    m_quiet_told = true;
    return WatchDue::quiet;
  }
  return WatchDue::nothing;
}

milliseconds Watcher::quiet_for(Clock::time_point now) const {
  return std::chrono::duration_cast<milliseconds>(now - m_last_sign);
}

std::optional<milliseconds> Watcher::wait(Clock::time_point now) const {
  std::optional<milliseconds> out;
  const auto consider = [&](Clock::time_point at) {
    const auto ms = until(now, at);
    out = out ? std::min(*out, ms) : ms;
  };
  if (m_stopping) {
    consider(m_term_at + m_limits.kill_grace);
  } else {
    if (m_limits.timeout) {
      consider(m_start + *m_limits.timeout);
    }
    if (m_limits.idle_timeout) {
      consider(m_last_sign + *m_limits.idle_timeout);
    }
    if (m_limits.quiet_after && !m_quiet_told) {
      consider(m_last_sign + *m_limits.quiet_after);
    }
  }
  if (out) {
    out = std::min(*out, milliseconds(60'000));
  }
  return out;
}

} // namespace wave::util
