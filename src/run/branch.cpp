#include "run/branch.hpp"

#include "git/repo.hpp"
#include "plan/name.hpp"
#include "run/state.hpp"

#include <fmt/format.h>

namespace wave::run {

std::string agent_branch(std::string_view run, std::string_view agent) {
  return fmt::format("wave/{}/{}", run, agent);
}

std::string branch_of(std::string_view run, const AgentRun& agent) {
  return agent.branch.empty() ? agent_branch(run, agent.name) : agent.branch;
}

std::optional<AgentBranch> parse_agent_branch(std::string_view branch) {
  constexpr std::string_view prefix = "wave/";
  branch = git::branch_name(branch);
  if (branch.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  branch.remove_prefix(prefix.size());
  const auto slash = branch.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == branch.size() ||
      branch.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  AgentBranch out{std::string(branch.substr(0, slash)), std::string(branch.substr(slash + 1))};
  if (plan::name_problem(out.run) || plan::name_problem(out.agent)) {
    return std::nullopt; // no run or agent can have that name
  }
  return out;
}

} // namespace wave::run
