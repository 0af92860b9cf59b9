#include "util/duration.hpp"

#include <fmt/format.h>

#include <cctype>

namespace wave::util {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  const long long too_large = max_duration.count() + 1;
  long long total_ms = 0;
  bool over = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
      return std::nullopt;
    }
    long long value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      value = value * 10 + (text[i] - '0');
      if (value > too_large) {
        over = true; // keep reading: a malformed rest is still malformed
        value = too_large;
      }
      ++i;
    }
    const auto unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    }
    const auto unit = text.substr(unit_start, i - unit_start);
    long long scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60 * 1000;
    } else if (unit == "h") {
      scale = 3600 * 1000;
    } else {
      return std::nullopt;
    }
    // value <= too_large (< 2^32) and scale < 2^22: no overflow here.
    total_ms += value * scale;
    if (total_ms > too_large) {
      over = true;
      total_ms = too_large;
    }
  }
  return std::chrono::milliseconds(over ? too_large : total_ms);
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms < 1000) {
    return fmt::format("{}ms", ms);
  }
  if (ms < 60'000) {
    return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  }
  const auto s = ms / 1000;
  if (s < 3600) {
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  }
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

} // namespace wave::util
