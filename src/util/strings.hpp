#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wave::util {

std::vector<std::string> split(std::string_view s, char sep);

// Does `text` hold `line` as one of its lines, exactly?
bool has_line(std::string_view text, std::string_view line);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

// Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo
// (git's "did you mean"), else nullopt. Bounded cost: words longer than 256
// bytes get no suggestion, and candidates too different in length are skipped.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// Quotes a path or name the way git's messages do: 'name', its control
// characters escaped (escape_control): every line meant for a person.
std::string quote(std::string_view s);

// A path in a listing, as git shows it with core.quotePath (its default):
// as is, or, when it holds a control character, '"', '\\' or a byte past
// 0x7e, in double quotes with C escapes ("\n", "\"", "\303\251").
std::string quote_path(std::string_view path);

// `s` safe to print on a terminal: control characters (C0, DEL, and the C1
// range as UTF-8 or raw bytes) and bytes that are not UTF-8 are written as
// escapes ("\e", "\n", "\x7f", "\u009b"); everything else as is.
std::string escape_control(std::string_view s);

// escape_control(s), shortened to about `max` bytes when longer:
// "aaaa... (1048576 bytes)". For names and keys quoted in messages.
std::string shown(std::string_view s, std::size_t max = 64);

// How many entries of a list (paths refused, violations) a person is shown
// before the rest is counted in one line: a refusal of 100,000 files is
// read from its first lines, and --json has them all.
inline constexpr std::size_t max_listed = 10;

// "... and 99,990 more": the line standing for the `rest` entries not shown.
std::string and_more(std::size_t rest);

// True when `s` holds a control character (C0, DEL, or C1 as UTF-8).
// `at` receives the byte offset of the first one.
bool has_control(std::string_view s, std::size_t* at = nullptr);

} // namespace wave::util
