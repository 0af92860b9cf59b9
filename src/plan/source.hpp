#pragma once

#include "plan/model.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

// Positions inside the plan's text.
namespace wave::plan {

// The position of byte `offset` of the decoded value of the TOML string that
// starts (at its opening quote) at `value` in `text`: escapes are followed so
// the column lands on the character as written. Multi-line strings, or a
// position that does not hold a string, give `value` itself.
Location string_offset(std::string_view text, Location value, std::size_t offset);

// The first byte above 0x7f outside strings and comments (where TOML allows
// only ASCII), or nullopt: toml++ 3.3 reaches __builtin_unreachable() on
// some such characters (U+00A1..U+0499 where it looks for whitespace), so
// parse() reports them itself and never hands it such text.
std::optional<Location> non_ascii_outside_strings(std::string_view text);

} // namespace wave::plan
