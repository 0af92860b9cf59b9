#pragma once

#include "plan/model.hpp"

#include <string>
#include <vector>

// What differs between two plans, in the words a lead reads: the plan bound
// at a run's start against one a fetched state records (remote/verify_state).
namespace wave::plan {

// Each difference of `other` from `bound`, one phrase each, e.g. "agent 'a'
// owns ** instead of a/**", "the gate's commands changed"; empty when the
// two plans say the same. Names, ownership, protected paths, the gate's and
// each agent's gate commands, setup, launch, agent preset, budgets, notify
// and the remote are compared; positions in the file are not.
std::vector<std::string> differences(const Plan& bound, const Plan& other);

} // namespace wave::plan
