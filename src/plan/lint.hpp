#pragma once

#include "plan/diagnostic.hpp"
#include "plan/model.hpp"
#include "plan/owned.hpp"
#include "plan/schedule.hpp"

// Warnings and notes about a valid plan: things that work but are likely
// not what the lead wants.
namespace wave::plan {

// More agents in a wave than max_parallel, more than `large_plan` agents in
// the plan, owns patterns overlapping protected ones, agents without a task
// (warnings); read-only agents (a note).
void lint(const Plan& plan, const Schedule& schedule, const OwnedPatterns& owned, Diagnostics& diagnostics);

inline constexpr std::size_t large_plan = 15;

} // namespace wave::plan
