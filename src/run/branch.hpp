#pragma once

#include <optional>
#include <string>
#include <string_view>

// Agent branches are named `wave/<run>/<agent>`.
namespace wave::run {

struct AgentBranch {
  std::string run;
  std::string agent;
};

// "wave/<run>/<agent>".
std::string agent_branch(std::string_view run, std::string_view agent);

// The run and agent of a branch name, given short ("wave/r/a") or full
// ("refs/heads/wave/r/a"); nullopt for any other branch.
std::optional<AgentBranch> parse_agent_branch(std::string_view branch);

} // namespace wave::run
