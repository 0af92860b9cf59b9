#pragma once

#include "plan/model.hpp"

#include <cstddef>
#include <string_view>

// Positions inside the plan's text.
namespace wave::plan {

// The position of byte `offset` of the decoded value of the TOML string that
// starts (at its opening quote) at `value` in `text`: escapes are followed so
// the column lands on the character as written. Multi-line strings, or a
// position that does not hold a string, give `value` itself.
Location string_offset(std::string_view text, Location value, std::size_t offset);

} // namespace wave::plan
