#include "run/select.hpp"

#include "core/error.hpp"
#include "plan/file.hpp"
#include "plan/parse.hpp"
#include "run/inspect.hpp"

namespace wave::run {

std::string select_run(git_repository* repo, const std::string& option) {
  std::optional<std::string> plan_name;
  if (option.empty() && git_repository_is_bare(repo) == 0) {
    try {
      const auto where = plan::resolve_plan_path(repo, "");
      const auto parsed = plan::parse(plan::read_plan_file(where), where.shown);
      if (parsed.plan) {
        plan_name = parsed.plan->name;
      }
    } catch (const Error&) {
      // no readable plan here: no hint
    }
  }
  return resolve_run(repo, option, plan_name);
}

} // namespace wave::run
