#pragma once

#include <optional>
#include <string>
#include <string_view>

// Agent branches are named `wave/<run>/<agent>`.
namespace wave::run {

struct AgentRun; // run/state.hpp

struct AgentBranch {
  std::string run;
  std::string agent;
};

// "wave/<run>/<agent>".
std::string agent_branch(std::string_view run, std::string_view agent);

// The branch of `agent` in `run`: the one its record names, or
// "wave/<run>/<agent>" for records written before they named it.
std::string branch_of(std::string_view run, const AgentRun& agent);

// The run and agent of a branch name, given short ("wave/r/a") or full
// ("refs/heads/wave/r/a"); nullopt for any other branch.
std::optional<AgentBranch> parse_agent_branch(std::string_view branch);

} // namespace wave::run
