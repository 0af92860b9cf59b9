#pragma once

#include "plan/model.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Positions inside the plan's text.
namespace wave::plan {

// The position of byte `offset` of the decoded value of the TOML string that
// starts (at its opening quote) at `value` in `text`: escapes are followed so
// the column lands on the character as written. Multi-line strings, or a
// position that does not hold a string, give `value` itself.
Location string_offset(std::string_view text, Location value, std::size_t offset);

// What parse() refuses before toml++ reads the text: toml++ 3.3 reaches
// __builtin_unreachable() when it tests some non-ASCII characters for
// whitespace (U+00A1..U+0499, U+2C8E..U+3087), undefined behaviour found by
// fuzz_plan. TOML allows non-ASCII text only in strings and comments, and
// no control character but tab, newline and carriage return anywhere.
struct UnsafeCharacter {
  Location where;
  std::string message;
};

// The first raw control character (but tab, LF, CR), the first byte above
// 0x7f outside strings and comments, or the first non-ASCII character that
// follows a line-ending backslash in a multi-line string (where toml++ trims
// whitespace); nullopt when there is none.
std::optional<UnsafeCharacter> unsafe_character(std::string_view text);

} // namespace wave::plan
