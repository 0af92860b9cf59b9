#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wave::util {

// Parses "90s", "10m", "1h30m", "2h", "1500ms". Returns nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Formats for humans: "850ms", "12.3s", "4m05s", "1h02m".
std::string format_duration(std::chrono::milliseconds d);

} // namespace wave::util
