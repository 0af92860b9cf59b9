#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/hook_install.hpp"
#include "cli/plan_loader.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "flow/start.hpp"
#include "run/store.hpp"
#include "util/duration.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <thread>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

// The root of the main worktree, also when run from a linked one.
fs::path main_root(git_repository* repo) {
  if (git_repository_is_worktree(repo) == 0) {
    return git::workdir(repo);
  }
  const git::Repo main = git::open(git::common_dir(repo));
  return git::workdir(main.get());
}

struct CommittedPlan {
  std::string text;
  plan::Plan plan;
  git_oid tip{};
};

// The plan as committed at the tip of `branch`.
CommittedPlan committed_plan(git_repository* repo, const std::string& branch, const std::string& rel,
                             const std::string& shown) {
  const auto tip = git::resolve_commit(repo, "refs/heads/" + branch);
  if (!tip) {
    throw Error(fmt::format("branch '{}' does not exist or has no commits yet", branch), exit_code::fatal,
                {"the integration branch needs a commit holding the plan"});
  }
  const git::Commit commit = git::lookup_commit(repo, *tip);
  const git::Tree tree = git::commit_tree(commit.get());
  auto text = git::read_file(repo, tree.get(), rel);
  if (!text) {
    throw Error(fmt::format("'{}' is not committed on '{}'", rel, branch), exit_code::fatal,
                {"git wave start reads the plan from the integration branch's last commit",
                 fmt::format("commit it first: git add {} && git commit -m 'Add the wave plan'", shown)});
  }
  CommittedPlan out;
  out.plan = cli::load_plan_text(*text, shown);
  out.text = std::move(*text);
  out.tip = *tip;
  return out;
}

std::string display_path(const std::string& path) {
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  if (ec) {
    return path;
  }
  const auto rel = fs::path(path).lexically_relative(cwd);
  if (rel.empty()) {
    return path;
  }
  const std::string r = rel.string();
  return r.size() < path.size() ? r : path;
}

} // namespace

int start(const cli::Args& args) {
  std::string plan_option;
  std::string wave;
  std::string worktrees;
  unsigned jobs = std::max(1U, std::thread::hardware_concurrency());
  std::string timeout_text = "20m";
  bool no_hooks = false;
  cli::Parser parser(
      "start",
      "git wave start [--wave <label>] [--worktrees <template>] [-j <n>] [--setup-timeout <duration>] "
      "[--no-hooks] [--plan <path>] [--color=<when>]",
      "Start the next wave of the plan's run: for each agent a branch wave/<run>/<agent> at the integration "
      "branch's tip and a worktree, set up. Run again to complete a start that was interrupted.");
  parser.option("--wave", wave, "start this wave (its label, e.g. 2 or 2b) rather than the next one",
                "<label>");
  parser.option(
      "--worktrees", worktrees,
      "where the worktrees go, like the plan's 'worktrees': a template with {repo}, {run} and {agent}",
      "<template>");
  parser.option("-j,--jobs", jobs,
                "check out and set up this many worktrees at once (default: the CPU count)", "<n>", 1, 256);
  parser.option("--setup-timeout", timeout_text,
                "kill a setup command running longer than this (default 20m)", "<duration>");
  parser.flag("--no-hooks", no_hooks, "do not install the pre-commit hook");
  parser.plan(plan_option);
  std::optional<cli::ColorWhen> color_flag;
  parser.color(color_flag);
  parser.parse(args);

  const auto timeout = util::parse_duration(timeout_text);
  if (!timeout || timeout->count() <= 0 || *timeout > util::max_duration) {
    throw UsageError(fmt::format("invalid duration '{}' for --setup-timeout", timeout_text),
                     {"write it like 90s, 10m or 1h30m"});
  }
  if (!worktrees.empty() && worktrees.find("{agent}") == std::string::npos) {
    throw UsageError(fmt::format("--worktrees '{}' must contain {{agent}}", worktrees),
                     {"every agent needs its own worktree, e.g. --worktrees '../wt/{run}/{agent}'"});
  }

  const git::Repo repo = git::open();
  if (git_repository_is_bare(repo.get()) != 0) {
    throw Error("cannot start a wave in a bare repository", exit_code::fatal,
                {"agents need worktrees: clone it (git clone <repository> <folder>) and run git wave there"});
  }
  const fs::path root = git::workdir(repo.get());
  const auto current = git::current_branch(repo.get());
  if (!current) {
    throw Error("HEAD is detached: git wave start needs to be on the integration branch", exit_code::fatal,
                {"switch to it first, e.g. git switch main"});
  }
  if (const auto agent = run::parse_agent_branch(*current)) {
    throw Error(
        fmt::format("'{}' is the branch of agent '{}' of run '{}'", *current, agent->agent, agent->run),
        exit_code::fatal, {"start waves from the integration branch, in the main worktree"});
  }

  const cli::PlanPath where = cli::resolve_plan_path(repo.get(), plan_option);
  const fs::path rel_path = where.path.lexically_relative(root);
  if (rel_path.empty() || *rel_path.begin() == "..") {
    throw Error(
        fmt::format("the plan '{}' is outside the repository", where.shown), exit_code::fatal,
        {"git wave start reads the plan committed on the integration branch; commit it in the repository"});
  }
  const std::string rel = rel_path.generic_string();

  std::string integration = *current;
  CommittedPlan committed = committed_plan(repo.get(), integration, rel, where.shown);
  if (!committed.plan.base.empty() && committed.plan.base != integration) {
    integration = committed.plan.base;
    committed =
        committed_plan(repo.get(), integration, rel, fmt::format("{} (on {})", where.shown, integration));
    if (!committed.plan.base.empty() && committed.plan.base != integration) {
      throw Error(fmt::format("the plan on '{}' names base '{}'", integration, committed.plan.base),
                  exit_code::fatal, {"set base in wave.toml to the branch the plan is committed on"});
    }
  }

  const auto working = util::read_file(where.path);
  if (!working || *working != committed.text) {
    std::vector<std::string> hints{fmt::format("git wave start takes the plan committed on '{}', never an "
                                               "uncommitted edit",
                                               integration)};
    if (integration == *current) {
      hints.push_back(
          fmt::format("commit it: git add {} && git commit -m 'Update the wave plan'", where.shown));
      hints.push_back(fmt::format("or drop the edit: git restore {}", where.shown));
    } else {
      hints.push_back(fmt::format("commit the plan on '{}', or restore yours to match it", integration));
    }
    throw Error(
        fmt::format("'{}' {} the one committed on '{}'", where.shown,
                    working ? "in the working tree differs from" : "is missing from the working tree, unlike",
                    integration),
        exit_code::fatal, std::move(hints));
  }

  const std::string run_name = committed.plan.name;
  // From here on this start is the only command changing the run; what a
  // killed one left (a merge half done) is finished before deciding.
  const cli::KillChildrenOnSignal interrupts;
  const auto lock = cli::lock_run(repo.get(), run_name, "start");
  const auto stored = run::load(repo.get(), run_name);
  plan::Plan run_plan = committed.plan;
  std::string snapshot = committed.text;
  if (stored) {
    if (stored->state.integration != integration) {
      throw Error(fmt::format("run '{}' integrates into '{}', not '{}'", run_name, stored->state.integration,
                              integration),
                  exit_code::fatal,
                  {fmt::format("switch to '{}' to go on with the run", stored->state.integration)});
    }
    snapshot = stored->plan_text;
    if (snapshot != committed.text) {
      const cli::Painter paint = cli::painter_for_stderr();
      fmt::print(stderr,
                 "{} the plan committed on '{}' differs from the one run '{}' started with; the run goes on "
                 "with its recorded plan\n",
                 paint(cli::Color::yellow, "warning:"), integration, run_name);
      fmt::print(stderr, "{} a changed plan is a new run: give it another name\n",
                 paint(cli::Color::yellow, "hint:"));
      run_plan =
          cli::load_plan_text(snapshot, fmt::format("{} (recorded for run {})", where.shown, run_name));
    }
  }

  plan::Diagnostics diagnostics;
  diagnostics.file = run_plan.file;
  const plan::Schedule schedule = plan::schedule(run_plan, false, diagnostics);
  if (diagnostics.has_errors()) {
    plan::Diagnostics errors;
    errors.file = diagnostics.file;
    for (const auto& d : diagnostics.items) {
      if (d.severity == plan::Severity::error) {
        errors.items.push_back(d);
      }
    }
    cli::print_diagnostics(errors);
    throw Exit(exit_code::fatal);
  }

  flow::StartInput in;
  in.repo = repo.get();
  in.main_root = main_root(repo.get());
  in.plan = &run_plan;
  in.schedule = &schedule;
  in.plan_text = snapshot;
  in.plan_commit = git::oid_str(committed.tip);
  in.integration = integration;
  in.integration_tip = git::oid_str(committed.tip);
  in.stored = stored ? &*stored : nullptr;
  in.wave = wave;
  in.worktrees = worktrees;

  flow::Decision decision = flow::decide(in);
  const cli::Painter paint = cli::stdout_painter(color_flag, repo.get());
  if (decision.kind == flow::Decision::Kind::complete) {
    fmt::print("run '{}' is complete: every wave is merged\n", run_name);
    return exit_code::ok;
  }

  if (!no_hooks) {
    try {
      const auto install = cli::install_pre_commit(repo.get());
      if (install.status != git::HookStatus::unchanged && install.status != git::HookStatus::integrated) {
        fmt::print("{}\n", cli::describe(install));
      }
    } catch (const Error& e) {
      const cli::Painter err = cli::painter_for_stderr();
      fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "warning:"), e.what());
      for (const auto& h : e.hints()) {
        fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "hint:"), h);
      }
    }
  }

  std::vector<std::string> names;
  for (const auto& a : decision.agents) {
    names.push_back(a.record.name);
  }
  if (decision.nothing_to_do()) {
    fmt::print("wave {} of run '{}' is already started: {}; nothing to do\n", decision.label, run_name,
               util::join(names, ", "));
    return exit_code::ok;
  }
  if (decision.kind == flow::Decision::Kind::start) {
    fmt::print("starting wave {} of run '{}' from {} at {}: {}\n", decision.label, run_name, integration,
               git::short_oid(decision.base), util::join(names, ", "));
  } else {
    fmt::print("completing wave {} of run '{}', started before\n", decision.label, run_name);
  }

  flow::ExecuteOptions options;
  options.jobs = jobs;
  options.setup_timeout = *timeout;
  options.on_agent = [&](const flow::AgentStep& step, const flow::AgentOutcome& outcome) {
    if (outcome.ok) {
      fmt::print("  {} {:<16} {}\n", paint(cli::Color::green, "ok    "), step.record.name,
                 display_path(step.record.worktree));
    } else {
      fmt::print("  {} {:<16} {}\n", paint(cli::Color::red, "failed"), step.record.name, outcome.error);
      fmt::print("         {:<16} log: {}\n", "", step.record.setup_log);
    }
    std::fflush(stdout);
  };
  const flow::ExecuteResult result = flow::execute(in, decision, options);

  std::size_t failed = 0;
  for (const auto& o : result.outcomes) {
    if (!o.ok) {
      ++failed;
    }
  }
  if (failed > 0) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} {} of {} agents of wave {} failed to set up\n", err(cli::Color::red, "error:"),
               failed, decision.agents.size(), decision.label);
    fmt::print(stderr, "{} fix the cause (see the logs), then run 'git wave start' again to retry them\n",
               err(cli::Color::yellow, "hint:"));
    return exit_code::not_satisfied;
  }
  fmt::print(
      "wave {} of run '{}' is ready: brief an agent with 'git wave prompt <agent>', follow with 'git wave "
      "status'\n",
      decision.label, run_name);
  return exit_code::ok;
}

} // namespace wave::cmd
