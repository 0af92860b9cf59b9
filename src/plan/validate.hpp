#pragma once

#include "plan/diagnostic.hpp"
#include "plan/model.hpp"

#include <string_view>

// Checks across a plan's fields, once each value has been read: names and
// references between agents, the dependency graph, patterns and templates.
namespace wave::plan {

// Reports into `diagnostics`: duplicate agents, unknown or self dependencies
// (with "did you mean"), dependency cycles with their path, pins that would
// advance an agent before its dependencies, invalid owns/protected patterns
// and worktree templates. `text` is the plan's source, to place a column on
// the offending character of a string.
void validate(const Plan& plan, std::string_view text, Diagnostics& diagnostics);

} // namespace wave::plan
