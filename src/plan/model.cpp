#include "plan/model.hpp"

namespace wave::plan {

std::optional<std::size_t> Plan::find(std::string_view agent_name) const {
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].name == agent_name) {
      return i;
    }
  }
  return std::nullopt;
}

} // namespace wave::plan
