#include "flow/start_wave.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "plan/file.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::flow {

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

// Parses `text` (`shown` names it), tells its diagnostics and ends the
// start with Exit(128) when it is not valid, as cli::load_plan_text.
plan::Plan read_plan(std::string_view text, std::string shown, StartObserver& observer) {
  auto result = plan::parse(text, std::move(shown));
  observer.plan_read(result.diagnostics);
  if (!result.plan) {
    throw Exit(exit_code::fatal);
  }
  return std::move(*result.plan);
}

// The plan as committed at the tip of `branch`.
CommittedPlan committed_plan(git_repository* repo, const std::string& branch, const std::string& rel,
                             const std::string& shown, StartObserver& observer) {
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
  out.plan = read_plan(*text, shown, observer);
  out.text = std::move(*text);
  out.tip = *tip;
  return out;
}

// Why a commit in `worktree` will not run the ownership check, after setup
// (which may have run a hook manager); nothing when it will.
std::optional<std::string> unchecked(const std::string& worktree) {
  const auto wiring = git::pre_commit_wiring(worktree);
  if (wiring.runs) {
    return std::nullopt;
  }
  return wiring.detail;
}

} // namespace

StartPlace prepare_start(const StartOptions& options, StartObserver& observer) {
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

  const plan::PlanPath where = plan::resolve_plan_path(repo_ptr, options.plan_option);
  const fs::path rel_path = where.path.lexically_relative(root);
  if (rel_path.empty() || *rel_path.begin() == "..") {
    throw Error(
        fmt::format("the plan '{}' is outside the repository", where.shown), exit_code::fatal,
        {"git wave start reads the plan committed on the integration branch; commit it in the repository"});
  }
  const std::string rel = rel_path.generic_string();

  std::string integration = *current;
  CommittedPlan committed = committed_plan(repo_ptr, integration, rel, where.shown, observer);
  if (!committed.plan.base.empty() && committed.plan.base != integration) {
    integration = committed.plan.base;
    committed = committed_plan(repo_ptr, integration, rel,
                               fmt::format("{} (on {})", where.shown, integration), observer);
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

std::size_t StartReport::failed() const {
  return static_cast<std::size_t>(
      std::count_if(setups.begin(), setups.end(), [](const AgentSetup& a) { return !a.ok; }));
}

namespace {

// A start with the run lock held, step by step.
class Start {
public:
  Start(StartPlace& place, const StartOptions& options, StartObserver& observer)
      : m_place(place), m_options(options), m_observer(observer), m_repo(place.repo.get()) {
    m_report.run = place.run_name;
    m_report.integration = place.integration;
  }

  StartReport run() {
    read_plans();
    schedule_run();
    decide_wave();
    if (m_decision.kind == Decision::Kind::complete) {
      m_report.outcome = StartOutcome::complete;
      return std::move(m_report);
    }
    install_hook();
    m_observer.decided(m_report);
    if (m_report.nothing_to_do) {
      return std::move(m_report);
    }
    set_up();
    m_report.outcome = m_report.failed() > 0 ? StartOutcome::setup_failed : StartOutcome::ready;
    return std::move(m_report);
  }

private:
  // The plan committed on the integration branch, and the run's: the one
  // recorded when it started, which it keeps.
  void read_plans() {
    m_place.committed = committed_plan(m_repo, m_place.integration, m_place.rel, m_place.shown, m_observer);
    m_stored = run::load(m_repo, m_place.run_name);
    m_plan = m_place.committed.plan;
    m_snapshot = m_place.committed.text;
    if (!m_stored) {
      return;
    }
    if (m_stored->state.integration != m_place.integration) {
      throw Error(fmt::format("run '{}' integrates into '{}', not '{}'", m_place.run_name,
                              m_stored->state.integration, m_place.integration),
                  exit_code::fatal,
                  {fmt::format("switch to '{}' to go on with the run", m_stored->state.integration)});
    }
    m_snapshot = m_stored->plan_text;
    if (m_snapshot != m_place.committed.text) {
      m_report.recorded_plan_differs = true;
      m_observer.plan_differs(m_report);
      m_plan = read_plan(m_snapshot, fmt::format("{} (recorded for run {})", m_place.shown, m_place.run_name),
                         m_observer);
    }
  }

  // The run's waves; two agents of a wave that overlap end the start.
  void schedule_run() {
    plan::Diagnostics diagnostics;
    diagnostics.file = m_plan.file;
    m_schedule = plan::schedule(m_plan, false, diagnostics);
    if (!diagnostics.has_errors()) {
      return;
    }
    plan::Diagnostics errors;
    errors.file = diagnostics.file;
    for (const auto& d : diagnostics.items) {
      if (d.severity == plan::Severity::error) {
        errors.items.push_back(d);
      }
    }
    m_observer.plan_read(errors);
    throw Exit(exit_code::fatal);
  }

  void decide_wave() {
    m_in.repo = m_repo;
    m_in.main_root = main_root(m_repo);
    m_in.plan = &m_plan;
    m_in.schedule = &m_schedule;
    m_in.plan_text = m_snapshot;
    m_in.plan_commit = git::oid_str(m_place.committed.tip);
    m_in.plan_path = m_place.rel;
    m_in.integration = m_place.integration;
    m_in.integration_tip = git::oid_str(m_place.committed.tip);
    m_in.stored = m_stored ? &*m_stored : nullptr;
    m_in.wave = m_options.wave;
    m_in.worktrees = m_options.worktrees;
    m_decision = decide(m_in);
    m_report.kind = m_decision.kind;
    m_report.label = m_decision.label;
    m_report.base = m_decision.base;
    for (const auto& a : m_decision.agents) {
      m_report.agents.push_back(a.record.name);
    }
    m_report.nothing_to_do = m_decision.kind != Decision::Kind::complete && m_decision.nothing_to_do();
  }

  void install_hook() {
    if (m_options.no_hooks) {
      return;
    }
    try {
      m_report.hook = git::install_pre_commit(m_repo);
    } catch (const Error& e) {
      m_report.hook_problem = HookProblem{e.what(), e.hints()};
    }
  }

  // Branches, worktrees and setup, each agent told as it is done.
  void set_up() {
    ExecuteOptions execute;
    execute.jobs = m_options.jobs;
    execute.setup_timeout = m_options.setup_timeout;
    execute.on_agent = [&](const AgentStep& step, const AgentOutcome& outcome) {
      m_observer.agent_done(setup_of(step, outcome));
    };
    const ExecuteResult result = flow::execute(m_in, m_decision, execute);
    for (const auto& o : result.outcomes) {
      AgentSetup setup = setup_of(m_decision.agents[o.step], o);
      if (setup.ok) {
        setup.unchecked = unchecked(setup.worktree);
      }
      m_report.setups.push_back(std::move(setup));
    }
  }

  static AgentSetup setup_of(const AgentStep& step, const AgentOutcome& outcome) {
    AgentSetup out;
    out.name = step.record.name;
    out.worktree = step.record.worktree;
    out.ok = outcome.ok;
    out.error = outcome.error;
    out.setup_log = step.record.setup_log;
    return out;
  }

  StartPlace& m_place;
  const StartOptions& m_options;
  StartObserver& m_observer;
  git_repository* m_repo;
  StartReport m_report;
  std::optional<run::Stored> m_stored;
  plan::Plan m_plan;
  std::string m_snapshot;
  plan::Schedule m_schedule;
  StartInput m_in;
  Decision m_decision;
};

} // namespace

StartReport start_wave(StartPlace& place, const StartOptions& options, StartObserver& observer) {
  return Start(place, options, observer).run();
}

} // namespace wave::flow
