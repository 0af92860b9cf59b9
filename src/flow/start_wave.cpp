#include "flow/start_wave.hpp"

#include "cli/color.hpp"
#include "cli/plan_loader.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/start.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cli {

namespace fs = std::filesystem;

namespace {

// The root of the main worktree, also when run from a linked one; a bare
// repository has none, and the linked worktree run from stands for it.
fs::path main_root(git_repository* repo) {
  if (git_repository_is_worktree(repo) == 0) {
    return git::workdir(repo);
  }
  const git::Repo main = git::open(git::common_dir(repo));
  if (git_repository_is_bare(main.get()) != 0) {
    return git::workdir(repo);
  }
  return git::workdir(main.get());
}

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
  out.plan = load_plan_text(*text, shown);
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

// After setup (which may have run a hook manager): says, per agent, when a
// commit in its worktree will not run the ownership check. The gate still
// audits every commit, so this is a warning, not a failure.
void warn_unchecked(const flow::Decision& decision, const flow::ExecuteResult& result) {
  const Painter err = painter_for_stderr();
  bool any = false;
  for (const auto& o : result.outcomes) {
    const auto& step = decision.agents[o.step];
    if (!o.ok) {
      continue;
    }
    const auto wiring = git::pre_commit_wiring(step.record.worktree);
    if (wiring.runs) {
      continue;
    }
    fmt::print(stderr, "{} agent '{}': commits in its worktree will not run the ownership check: {}\n",
               err(Color::yellow, "warning:"), step.record.name, wiring.detail);
    any = true;
  }
  if (any) {
    fmt::print(stderr,
               "{} add 'git wave hook pre-commit' to the hook manager's pre-commit steps, or install git "
               "wave's hook with 'git wave hook install' (git-wave-hook(1), HOOK MANAGERS); 'git wave gate' "
               "still audits every commit of every branch\n",
               err(Color::yellow, "hint:"));
  }
}

} // namespace

StartPlace prepare_start(const StartOptions& options) {
  StartPlace p;
  p.repo = git::open();
  git::require_full_history(p.repo.get());
  git_repository* const repo_ptr = p.repo.get();
  if (git_repository_is_bare(repo_ptr) != 0) {
    throw Error("cannot start a wave in a bare repository", exit_code::fatal,
                {"agents need worktrees: clone it (git clone <repository> <folder>) and run git wave there"});
  }
  const fs::path root = git::workdir(repo_ptr);
  p.root = root;
  const auto current = git::current_branch(repo_ptr);
  if (!current) {
    throw Error("HEAD is detached: git wave start needs to be on the integration branch", exit_code::fatal,
                {"switch to it first, e.g. git switch main"});
  }
  if (const auto agent = run::parse_agent_branch(*current)) {
    throw Error(
        fmt::format("'{}' is the branch of agent '{}' of run '{}'", *current, agent->agent, agent->run),
        exit_code::fatal, {"start waves from the integration branch, in the main worktree"});
  }

  const cli::PlanPath where = resolve_plan_path(repo_ptr, options.plan_option);
  const fs::path rel_path = where.path.lexically_relative(root);
  if (rel_path.empty() || *rel_path.begin() == "..") {
    throw Error(
        fmt::format("the plan '{}' is outside the repository", where.shown), exit_code::fatal,
        {"git wave start reads the plan committed on the integration branch; commit it in the repository"});
  }
  const std::string rel = rel_path.generic_string();

  std::string integration = *current;
  CommittedPlan committed = committed_plan(repo_ptr, integration, rel, where.shown);
  if (!committed.plan.base.empty() && committed.plan.base != integration) {
    integration = committed.plan.base;
    committed =
        committed_plan(repo_ptr, integration, rel, fmt::format("{} (on {})", where.shown, integration));
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

  p.current = *current;
  p.integration = integration;
  p.shown = where.shown;
  p.rel = rel;
  p.committed = std::move(committed);
  p.run_name = p.committed.plan.name;
  return p;
}

std::optional<flow::RemoteRun> remote_for_start(const StartPlace& place, const std::string& option) {
  std::string remote = remote_of(place.repo.get(), place.run_name, option);
  if (remote.empty()) {
    remote = place.committed.plan.remote;
  }
  if (remote.empty()) {
    return std::nullopt;
  }
  flow::RemoteRun out;
  out.remote = remote;
  out.run = place.run_name;
  out.integration = place.integration;
  return out;
}

void publish_start(git_repository* repo, flow::RemoteRun& remote) {
  const auto published = flow::publish(repo, remote);
  if (!published.ok) {
    throw Error(fmt::format("'{}' refused the start of run '{}'", remote.remote, remote.run),
                exit_code::fatal,
                {fmt::format("git said: {}", published.output),
                 "the wave is started here; once the cause is fixed, 'git wave start' publishes it"});
  }
  if (published.pushed) {
    fmt::print("published run '{}' to '{}': agents elsewhere join with 'git wave join {} <agent>'\n",
               remote.run, remote.remote, remote.run);
  }
}

int start_locked(StartPlace& p, const StartOptions& start_options, StartOutcome* said) {
  auto tell = [&](StartOutcome o) {
    if (said != nullptr) {
      *said = o;
    }
  };
  const StartOptions& options = start_options;
  git_repository* const repo_ptr = p.repo.get();
  p.committed = committed_plan(repo_ptr, p.integration, p.rel, p.shown);
  const std::string& run_name = p.run_name;
  const std::string& integration = p.integration;
  const CommittedPlan& committed = p.committed;
  const auto stored = run::load(repo_ptr, run_name);
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
      const Painter paint = painter_for_stderr();
      fmt::print(stderr,
                 "{} the plan committed on '{}' differs from the one run '{}' started with; the run goes on "
                 "with its recorded plan\n",
                 paint(Color::yellow, "warning:"), integration, run_name);
      fmt::print(stderr,
                 "{} 'git wave amend' lets the run take it for the waves not yet started; a plan with "
                 "another name is a new run\n",
                 paint(Color::yellow, "hint:"));
      run_plan = load_plan_text(snapshot, fmt::format("{} (recorded for run {})", p.shown, run_name));
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
    print_diagnostics(errors);
    throw Exit(exit_code::fatal);
  }

  flow::StartInput in;
  in.repo = repo_ptr;
  in.main_root = main_root(repo_ptr);
  in.plan = &run_plan;
  in.schedule = &schedule;
  in.plan_text = snapshot;
  in.plan_commit = git::oid_str(committed.tip);
  in.plan_path = p.rel;
  in.integration = integration;
  in.integration_tip = git::oid_str(committed.tip);
  in.stored = stored ? &*stored : nullptr;
  in.wave = options.wave;
  in.worktrees = options.worktrees;

  flow::Decision decision = flow::decide(in);
  const Painter paint = stdout_painter(options.color, repo_ptr);
  if (decision.kind == flow::Decision::Kind::complete) {
    fmt::print("run '{}' is complete: every wave is merged\n", run_name);
    tell(StartOutcome::complete);
    return exit_code::ok;
  }

  if (!options.no_hooks) {
    try {
      const auto install = git::install_pre_commit(repo_ptr);
      if (install.status != git::HookStatus::unchanged && install.status != git::HookStatus::integrated) {
        fmt::print("{}\n", git::describe(install));
      }
    } catch (const Error& e) {
      const Painter err = painter_for_stderr();
      fmt::print(stderr, "{} {}\n", err(Color::yellow, "warning:"), e.what());
      for (const auto& h : e.hints()) {
        fmt::print(stderr, "{} {}\n", err(Color::yellow, "hint:"), h);
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
    tell(StartOutcome::ready);
    return exit_code::ok;
  }
  if (decision.kind == flow::Decision::Kind::start) {
    fmt::print("starting wave {} of run '{}' from {} at {}: {}\n", decision.label, run_name, integration,
               git::short_oid(decision.base), util::join(names, ", "));
  } else {
    fmt::print("completing wave {} of run '{}', started before\n", decision.label, run_name);
  }

  flow::ExecuteOptions execute;
  execute.jobs = start_options.jobs;
  execute.setup_timeout = start_options.setup_timeout;
  execute.on_agent = [&](const flow::AgentStep& step, const flow::AgentOutcome& outcome) {
    if (outcome.ok) {
      fmt::print("  {} {:<16} {}\n", paint(Color::green, "ok    "), step.record.name,
                 display_path(step.record.worktree));
    } else {
      fmt::print("  {} {:<16} {}\n", paint(Color::red, "failed"), step.record.name, outcome.error);
      fmt::print("         {:<16} log: {}\n", "", step.record.setup_log);
    }
    std::fflush(stdout);
  };
  const flow::ExecuteResult result = flow::execute(in, decision, execute);

  std::size_t failed = 0;
  for (const auto& o : result.outcomes) {
    if (!o.ok) {
      ++failed;
    }
  }
  warn_unchecked(decision, result);
  if (failed > 0) {
    const Painter err = painter_for_stderr();
    fmt::print(stderr, "{} {} of {} agents of wave {} failed to set up\n", err(Color::red, "error:"), failed,
               decision.agents.size(), decision.label);
    fmt::print(stderr, "{} fix the cause (see the logs), then run 'git wave start' again to retry them\n",
               err(Color::yellow, "hint:"));
    tell(StartOutcome::setup_failed);
    return exit_code::not_satisfied;
  }
  if (!start_options.launched) {
    fmt::print(
        "wave {} of run '{}' is ready: brief an agent with 'git wave prompt <agent>', follow with 'git wave "
        "status'\n",
        decision.label, run_name);
  }
  tell(StartOutcome::ready);
  return exit_code::ok;
}

} // namespace wave::cli
