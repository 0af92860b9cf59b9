#pragma once

#include "plan/diagnostic.hpp"
#include "plan/model.hpp"

#include <optional>
#include <string>
#include <string_view>

// Reading a plan: TOML text to a validated Plan, or the list of everything
// wrong with it, each at file:line:column.
namespace wave::plan {

struct ParseResult {
  // Set exactly when `diagnostics` holds no error (warnings may be present).
  std::optional<Plan> plan;
  // diagnostics.file is `file_name`; items are sorted by position.
  Diagnostics diagnostics;
};

// Parses and validates the plan text `text`; `file_name` is how the file is
// named in messages and becomes Plan::file. Reports, all in one run: TOML
// syntax (the first error only: TOML cannot be resynchronised), unknown keys
// (with "did you mean"), wrong types and values, missing required fields, bad
// durations, names that cannot be a git branch component, duplicate agents,
// unknown or self dependencies, dependency cycles (with their path), pins that
// would advance an agent before its dependencies, invalid patterns and
// worktree templates, control characters in paths and commands, numbers and
// durations out of range. Overlaps and lints need the schedule: see
// schedule(); when the plan has other errors, parse() reports its overlaps
// too, so that every mistake shows in one run.
ParseResult parse(std::string_view text, std::string file_name);

} // namespace wave::plan
