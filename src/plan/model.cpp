#include "plan/model.hpp"

#include <filesystem>

namespace wave::plan {

std::optional<std::size_t> Plan::find(std::string_view agent_name) const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].name == agent_name) {
      return i;
    }
  }
  return std::nullopt;
}

std::string worktree_path(const Plan& plan, std::string_view repo_root, std::string_view agent_name) {
  const std::string_view templ = plan.worktrees.empty() ? default_worktrees : std::string_view(plan.worktrees);
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] == '{') {
      const auto close = templ.find('}', i);
      if (close != std::string_view::npos) {
        const auto key = templ.substr(i + 1, close - i - 1);
        if (key == "repo") {
          out += repo_root;
        } else if (key == "run") {
          out += plan.name;
        } else if (key == "agent") {
          out += agent_name;
        } else {
          out += templ.substr(i, close - i + 1);
        }
        i = close;
        continue;
      }
    }
    out += templ[i];
  }
  const std::filesystem::path path(out);
  if (path.is_relative()) {
    return (std::filesystem::path(repo_root) / path).lexically_normal().string();
  }
  return path.lexically_normal().string();
}

} // namespace wave::plan
