// git wave prompt AGENT: the brief to hand an agent (run/brief), of a run
// or, before any run has started, of the plan in the working tree.
#include "cmd/commands.hpp"

#include "cli/plan_loader.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "run/brief.hpp"
#include "run/inspect.hpp"
#include "run/select.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

namespace wave::cmd {

int prompt(const cli::Args& args) {
  std::string agent_name;
  std::string run_option;
  std::string plan_option;
  cli::Parser parser("prompt", "git wave prompt [--run <name>] [--plan <path>] [--worktree <path>] <agent>",
                     "Print the brief for an agent: its task, the files it alone may change, the files it "
                     "must not touch, the state of its base, how to verify and how to commit, and the work "
                     "already in its worktree.");
  parser.positional("agent", agent_name, "the agent", "<agent>", true);
  parser.run(run_option, "the run (default: the current branch's, the only one, or the plan's)");
  parser.plan(plan_option, "before any run has started: brief from this plan instead of wave.toml");
  std::string worktree_option;
  parser.option("--worktree", worktree_option,
                "the agent works in this worktree, not the one the run recorded (an agent on another machine)",
                "<path>");
  parser.parse(args);

  const git::Repo repo = git::open();
  git::require_full_history(repo.get());
  std::optional<run::Stored> stored;
  plan::Plan plan;
  if (run::list_runs(repo.get()).empty() && run_option.empty()) {
    plan = cli::load_plan(repo.get(), plan_option).plan; // a preview: no run yet
  } else {
    const std::string run_name = run::select_run(repo.get(), run_option);
    stored = run::load(repo.get(), run_name);
    if (!stored) {
      throw Error(fmt::format("there is no run '{}'", run_name));
    }
    auto parsed = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", run_name));
    if (!parsed.plan) {
      throw Error(fmt::format("the plan recorded for run '{}' is not valid", run_name));
    }
    plan = std::move(*parsed.plan);
  }

  run::BriefInput in;
  in.repo = repo.get();
  in.plan = &plan;
  in.stored = stored ? &*stored : nullptr;
  in.agent = cli::require_agent(plan, agent_name);
  in.worktree = worktree_option;
  fmt::print("{}", run::brief(in));
  return exit_code::ok;
}

} // namespace wave::cmd
