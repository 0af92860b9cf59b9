#include "run/select.hpp"

#include "cli/plan_loader.hpp"
#include "core/error.hpp"
#include "plan/parse.hpp"
#include "run/inspect.hpp"

namespace wave::cli {

std::string select_run(git_repository* repo, const std::string& option) {
  std::optional<std::string> plan_name;
  if (option.empty() && git_repository_is_bare(repo) == 0) {
    try {
      const auto where = resolve_plan_path(repo, "");
      const auto parsed = plan::parse(read_plan_file(where), where.shown);
      if (parsed.plan) {
        plan_name = parsed.plan->name;
      }
    } catch (const Error&) {
      // no readable plan here: no hint
    }
  }
  return run::resolve_run(repo, option, plan_name);
}

} // namespace wave::cli
