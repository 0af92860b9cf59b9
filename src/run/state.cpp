#include "run/state.hpp"

#include "run/state_names.hpp"

#include <fmt/format.h>

#include <ctime>

namespace wave::run {

using namespace detail;

std::string_view to_string(WaveStatus s) noexcept {
  return name_of(s);
}
std::string_view to_string(Setup s) noexcept {
  return name_of(s);
}

std::string_view to_string(GateResult r) noexcept {
  return name_of(r);
}
std::string_view to_string(StepOutcome s) noexcept {
  return name_of(s);
}
std::string_view to_string(AttemptEnd e) noexcept {
  return name_of(e);
}
std::string_view to_string(ActionKind k) noexcept {
  return name_of(k);
}
std::string_view to_string(IntentKind k) noexcept {
  return name_of(k);
}

std::optional<WaveStatus> parse_wave_status(std::string_view s) noexcept {
  return parse_name<WaveStatus>(s);
}

std::optional<Setup> parse_setup(std::string_view s) noexcept {
  return parse_name<Setup>(s);
}

const AgentRun* WaveRun::find(std::string_view agent) const {
  for (const auto& a : agents) {
    if (a.name == agent) {
      return &a;
    }
  }
  return nullptr;
}

AgentRun* WaveRun::find(std::string_view agent) {
  return const_cast<AgentRun*>(static_cast<const WaveRun*>(this)->find(agent));
}

const WaveRun* State::current() const {
  for (auto it = waves.rbegin(); it != waves.rend(); ++it) {
    if (it->status != WaveStatus::aborted) {
      return &*it;
    }
  }
  return nullptr;
}

WaveRun* State::current() {
  return const_cast<WaveRun*>(static_cast<const State*>(this)->current());
}

const WaveRun* State::pending() const {
  for (const auto& w : waves) {
    if (w.intent) {
      return &w;
    }
  }
  return nullptr;
}

const WaveRun* State::find_wave(std::string_view label) const {
  for (auto it = waves.rbegin(); it != waves.rend(); ++it) {
    if (it->label == label && it->status != WaveStatus::aborted) {
      return &*it;
    }
  }
  return nullptr;
}

std::optional<std::pair<const WaveRun*, const AgentRun*>> State::find_agent(std::string_view agent) const {
  for (auto it = waves.rbegin(); it != waves.rend(); ++it) {
    if (it->status == WaveStatus::aborted) {
      continue;
    }
    if (const AgentRun* a = it->find(agent); a != nullptr) {
      return std::pair{&*it, a};
    }
  }
  return std::nullopt;
}

std::string format_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_time(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ.
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  const auto hour = number(11, 2);
  const auto minute = number(14, 2);
  const auto second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  return std::chrono::sys_days(ymd) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

std::string now_text() {
  return format_time(std::chrono::system_clock::now());
}
} // namespace wave::run
