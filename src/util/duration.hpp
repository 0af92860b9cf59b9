#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wave::util {

// The longest duration a plan or an option may give (1000 hours): timeouts
// and estimates beyond it are mistakes, and it keeps every computation on
// durations (deadlines, sums of estimates) far from overflow.
inline constexpr std::chrono::milliseconds max_duration = std::chrono::hours(1000);

// Parses "90s", "10m", "1h30m", "2h", "1500ms". Returns nullopt when
// malformed. A duration longer than max_duration comes back as
// max_duration + 1ms (never wrapped), so callers can say it is too large.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Formats for humans: "850ms", "12.3s", "4m05s", "1h02m".
std::string format_duration(std::chrono::milliseconds d);

} // namespace wave::util
