#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wave::util {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

// Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo
// (git's "did you mean"), else nullopt.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// Quotes a path or name the way git's messages do: 'name'.
std::string quote(std::string_view s);

} // namespace wave::util
