#include "flow/start.hpp"

#include "flow/preset_files.hpp"

#include "core/error.hpp"
#include "flow/cleanup.hpp"
#include "flow/setup.hpp"
#include "flow/trash.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "run/branch.hpp"
#include "run/decisions.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

bool branch_exists(git_repository* repo, const std::string& branch) {
  git_reference* raw = nullptr;
  const std::string ref = "refs/heads/" + branch;
  const int rc = git_reference_lookup(&raw, repo, ref.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return false;
  }
  git::check(rc, fmt::format("cannot read branch '{}'", branch));
  git_reference_free(raw);
  return true;
}

void create_branch(git_repository* repo, const std::string& branch, const std::string& base) {
  const git::Commit commit = git::lookup_commit(repo, git::oid_from(base));
  git_reference* raw = nullptr;
  git::check(git_branch_create(&raw, repo, branch.c_str(), commit.get(), 0),
             fmt::format("cannot create branch '{}'", branch));
  git_reference_free(raw);
}

std::string labels(const plan::Schedule& schedule) {
  std::vector<std::string> out;
  for (const auto& w : schedule.waves) {
    out.push_back(w.label);
  }
  return util::join(out, ", ");
}

std::size_t schedule_index(const plan::Schedule& schedule, const std::string& label) {
  const auto i = schedule.find_wave(label);
  if (!i) {
    throw Error(fmt::format("the run state names wave '{}', which the run's plan does not have", label));
  }
  return *i;
}

// The worktree path of an agent of a new wave.
std::string worktree_for(const StartInput& in, const std::string& agent) {
  plan::Plan templ = *in.plan;
  if (!in.worktrees.empty()) {
    templ.worktrees = in.worktrees;
  }
  return plan::worktree_path(templ, in.main_root.string(), agent);
}

std::string head_of(const std::string& branch) {
  return "refs/heads/" + branch;
}

std::string describe_worktree_owner(const git::LinkedWorktree& w) {
  if (util::starts_with(w.head, "refs/heads/")) {
    return fmt::format("it is the worktree of branch '{}'", w.head.substr(11));
  }
  return fmt::format("it is a worktree (HEAD detached at {})", git::short_oid(w.head));
}

// For an agent recorded with the parked worktree `reused` of an earlier
// wave, not yet set up: where a start killed on the way left it. False when
// it is neither here nor there any more (a new worktree is made then).
bool plan_reused(const StartInput& in, const std::vector<git::LinkedWorktree>& worktrees,
                 const std::optional<git::LinkedWorktree>& here, AgentStep& step) {
  const run::AgentRun& r = step.record;
  const auto from = git::find_worktree(worktrees, r.reused);
  // The record may come from a fetched state: nothing is moved, cleaned or
  // reset on its word alone. A worktree still to move must be one the
  // run's merges kept (parked_worktrees); one moved but not switched, at a
  // commit the wave's base holds with nothing uncommitted.
  const auto base = git::parse_oid(r.base);
  const auto kept_here = [&](const git::LinkedWorktree& w) {
    const auto head = git::parse_oid(w.head);
    const bool held =
        head && base &&
        (git_oid_equal(&*head, &*base) != 0 || git_graph_descendant_of(in.repo, &*base, &*head) == 1);
    git_error_clear();
    return held && worktrees_clean({w.path}).front() != 0;
  };
  const auto parked = [&]() {
    if (in.stored == nullptr || !base) {
      return false;
    }
    const auto all = parked_worktrees(in.repo, in.stored->state, *base);
    return std::any_of(all.begin(), all.end(), [&](const Parked& p) { return p.path == from->path; });
  };
  if (here && here->present && here->checked_out && !util::starts_with(here->head, "refs/") &&
      kept_here(*here)) {
    step.worktree = WorktreeAction::switch_; // moved, not switched
  } else if (here && here->present && here->checked_out && here->head == head_of(r.branch)) {
    step.worktree = WorktreeAction::switch_; // switched, perhaps not all of its files
  } else if (!here && from && from->present && !util::starts_with(from->head, "refs/") &&
             git::path_is_free(r.worktree) && parked()) {
    step.worktree = WorktreeAction::reuse; // not moved yet
  } else if (!here && from && !from->present && git::admin_dir_of(r.worktree) == from->admin_dir) {
    step.worktree = WorktreeAction::repair; // moved, registration not updated
  } else {
    return false;
  }
  step.run_setup = true;
  return true;
}

// For an agent already recorded: what is missing on disk, or a problem.
void plan_existing(const StartInput& in, const std::vector<git::LinkedWorktree>& worktrees, AgentStep& step,
                   std::vector<std::string>& problems) {
  const run::AgentRun& r = step.record;
  step.create_branch = !branch_exists(in.repo, r.branch);
  const auto here = git::find_worktree(worktrees, r.worktree);
  if (!r.reused.empty() && r.setup != run::Setup::ok && plan_reused(in, worktrees, here, step)) {
    return;
  }
  for (const auto& w : worktrees) {
    if (w.head == head_of(r.branch) && (!here || here->name != w.name)) {
      problems.push_back(fmt::format("branch '{}' is checked out in '{}', not in its recorded worktree '{}'",
                                     r.branch, w.path.string(), r.worktree));
      return;
    }
  }
  if (here && here->initializing) {
    // Its `git worktree add` never finished: nothing of anyone's is there.
    if (here->present && !git::half_made_worktree(in.repo, r.worktree)) {
      problems.push_back(
          fmt::format("worktree '{}' is locked by a 'git worktree add' that never finished, and "
                      "holds files",
                      r.worktree));
      return;
    }
    step.worktree = WorktreeAction::redo;
    step.half_made = here->admin_dir.string();
  } else if (here) {
    if (here->head != head_of(r.branch)) {
      problems.push_back(
          fmt::format("worktree path '{}' is taken: {}", r.worktree, describe_worktree_owner(*here)));
      return;
    }
    if (!here->present) {
      step.worktree = WorktreeAction::re_add;
    } else if (!here->checked_out) {
      step.worktree = WorktreeAction::checkout;
    }
  } else if (git::path_is_free(r.worktree)) {
    step.worktree = WorktreeAction::add;
  } else if (const auto admin = git::half_made_worktree(in.repo, r.worktree)) {
    step.worktree = WorktreeAction::redo;
    step.half_made = admin->string();
  } else {
    problems.push_back(fmt::format("worktree path '{}' is taken: it exists and is not the worktree of '{}'",
                                   r.worktree, r.branch));
    return;
  }
  step.run_setup = r.setup != run::Setup::ok || step.worktree != WorktreeAction::ready;
}

// For an agent of a new wave: everything must be free.
void plan_new(const StartInput& in, const std::vector<git::LinkedWorktree>& worktrees, AgentStep& step,
              std::vector<std::string>& problems) {
  const run::AgentRun& r = step.record;
  if (branch_exists(in.repo, r.branch)) {
    problems.push_back(fmt::format("branch '{}' already exists", r.branch));
  }
  if (const auto w = git::find_worktree(worktrees, r.worktree)) {
    problems.push_back(
        fmt::format("worktree path '{}' is taken: {}", r.worktree, describe_worktree_owner(*w)));
  } else if (!git::path_is_free(r.worktree)) {
    problems.push_back(fmt::format("worktree path '{}' is taken: it exists and is not empty", r.worktree));
  } else if (auto blocked = git::blocked_parent(r.worktree)) {
    problems.push_back(std::move(*blocked));
  }
  step.create_branch = true;
  step.worktree = WorktreeAction::add;
  step.run_setup = true;
}

[[noreturn]] void refuse(const Decision& d, const std::string& run, std::vector<std::string> problems,
                         bool new_wave) {
  std::vector<std::string> hints(problems.begin() + 1, problems.end());
  for (auto& h : hints) {
    h = "also: " + h;
  }
  hints.push_back("nothing was changed");
  if (new_wave) {
    hints.push_back(
        "remove what is left over from an earlier run (git worktree remove <path>; git branch -d "
        "<branch>), choose other paths with --worktrees, or give the run another name in the plan");
  } else {
    hints.push_back("the run recorded these; put them back, or move what is in the way");
  }
  throw Error(fmt::format("cannot start wave {} of run '{}': {}", d.label, run, problems.front()),
              exit_code::fatal, std::move(hints));
}

} // namespace

bool Decision::nothing_to_do() const {
  if (kind == Kind::complete) {
    return true;
  }
  if (kind == Kind::start || !surplus.empty()) {
    return false;
  }
  for (const auto& a : agents) {
    if (!a.idle()) {
      return false;
    }
  }
  return true;
}

Decision decide(const StartInput& in) {
  const plan::Plan& plan = *in.plan;
  const plan::Schedule& schedule = *in.schedule;
  const run::State* state = in.stored != nullptr ? &in.stored->state : nullptr;
  Decision d;

  std::optional<std::size_t> asked;
  if (!in.wave.empty()) {
    asked = schedule.find_wave(in.wave);
    if (!asked) {
      throw Error(fmt::format("run '{}' has no wave '{}'", plan.name, in.wave), exit_code::fatal,
                  {fmt::format("its waves are: {}", labels(schedule))});
    }
  }

  const run::WaveRun* current = state != nullptr ? state->current() : nullptr;
  if (current != nullptr && current->status != run::WaveStatus::merged) {
    const std::size_t at = schedule_index(schedule, current->label);
    if (asked && *asked != at) {
      if (*asked < at) {
        throw Error(
            fmt::format("wave {} of run '{}' is already merged", in.wave, plan.name), exit_code::fatal,
            {fmt::format("wave {} is the current one ({})", current->label, to_string(current->status))});
      }
      throw Error(
          fmt::format("wave {} cannot start before wave {} is merged", in.wave, current->label),
          exit_code::fatal,
          {fmt::format("wave {} of run '{}' is {}; gate and merge it first (git wave gate, git wave merge)",
                       current->label, plan.name, to_string(current->status))});
    }
    d.kind = Decision::Kind::resume;
    d.wave_index = at;
    d.label = current->label;
    d.base = current->base;
    const auto worktrees = git::linked_worktrees(in.repo);
    std::vector<std::string> problems;
    for (const auto& r : current->agents) {
      AgentStep step;
      const auto index = plan.find(r.name);
      if (!index) {
        throw Error(
            fmt::format("the run state names agent '{}', which the run's plan does not have", r.name));
      }
      step.agent = *index;
      step.record = r;
      plan_existing(in, worktrees, step, problems);
      d.agents.push_back(std::move(step));
    }
    if (!problems.empty()) {
      refuse(d, plan.name, std::move(problems), false);
    }
    // A kept worktree no agent needed, moved aside by a start killed before
    // it dropped the registration.
    d.surplus = vanished_worktrees(in.repo, *state);
    return d;
  }

  // Nothing in progress: the wave after the last merged one (one whose
  // agents are all skipped is passed over).
  const std::size_t next = run::next_wave(plan, schedule, state);
  const auto skipped =
      state != nullptr ? run::skipped_agents(*state, plan) : std::map<std::string, std::string>{};
  if (asked && *asked < next) {
    throw Error(fmt::format("wave {} of run '{}' is already merged", in.wave, plan.name), exit_code::fatal,
                {next < schedule.waves.size() ? fmt::format("the next wave is {}", schedule.waves[next].label)
                                              : std::string("every wave of the run is merged")});
  }
  if (next >= schedule.waves.size()) {
    d.kind = Decision::Kind::complete;
    return d;
  }
  if (asked && *asked > next) {
    throw Error(
        fmt::format("wave {} cannot start before wave {} is merged", in.wave, schedule.waves[next].label),
        exit_code::fatal,
        {fmt::format("start wave {} first: git wave start --wave {}", schedule.waves[next].label,
                     schedule.waves[next].label)});
  }
  d.kind = Decision::Kind::start;
  d.wave_index = next;
  d.label = schedule.waves[next].label;
  d.base = in.integration_tip;
  const auto worktrees = git::linked_worktrees(in.repo);
  // Worktrees the last merge kept: switched to this wave's branches, they
  // need only the files that changed.
  std::vector<Parked> parked;
  if (state != nullptr) {
    parked = parked_worktrees(in.repo, *state, git::oid_from(in.integration_tip));
    std::reverse(parked.begin(), parked.end());
  }
  std::vector<std::string> problems;
  for (const std::size_t index : schedule.waves[next].agents) {
    AgentStep step;
    step.agent = index;
    const auto& name = plan.agents[index].name;
    if (skipped.count(name) != 0) {
      continue; // out of the run (git wave skip)
    }
    step.record.name = name;
    step.record.branch = run::agent_branch(plan.name, name);
    step.record.worktree = worktree_for(in, name);
    if (auto p = plan::worktree_location_problem(step.record.worktree, in.main_root.string(),
                                                 git_repository_commondir(in.repo))) {
      problems.push_back(*p + ": the 'worktrees' template must lead outside the repository");
    }
    step.record.base = d.base;
    step.record.setup = run::Setup::pending;
    plan_new(in, worktrees, step, problems);
    if (!parked.empty()) {
      step.worktree = WorktreeAction::reuse;
      step.record.reused = parked.back().path.string();
      step.ignored = std::move(parked.back().ignored);
      parked.pop_back();
    }
    d.agents.push_back(std::move(step));
  }
  for (auto& p : parked) {
    d.surplus.push_back(std::move(p.path));
  }
  for (std::size_t i = 0; i < d.agents.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (d.agents[i].record.worktree == d.agents[j].record.worktree) {
        problems.push_back(fmt::format("agents '{}' and '{}' would share the worktree '{}'",
                                       d.agents[j].record.name, d.agents[i].record.name,
                                       d.agents[i].record.worktree));
      }
    }
  }
  if (!problems.empty()) {
    refuse(d, plan.name, std::move(problems), true);
  }
  return d;
}

ExecuteResult execute(const StartInput& in, Decision& d, const ExecuteOptions& options) {
  ExecuteResult result;
  const plan::Plan& plan = *in.plan;
  const std::string& run = plan.name;
  std::optional<git_oid> head;
  run::State state;
  if (in.stored != nullptr) {
    head = in.stored->commit;
    state = in.stored->state;
  } else {
    state.run = run;
    state.integration = in.integration;
    state.plan_commit = in.plan_commit;
    state.plan_path = in.plan_path;
    state.created_at = run::now_text();
  }

  const fs::path logs = run::logs_dir(in.repo, run) / d.label;
  for (auto& step : d.agents) {
    step.record.setup_log = (logs / (step.record.name + "-setup.log")).string();
  }

  if (d.kind == Decision::Kind::start) {
    run::WaveRun w;
    w.label = d.label;
    w.status = run::WaveStatus::started;
    w.base = d.base;
    w.started_at = run::now_text();
    std::vector<std::string> names;
    for (const auto& step : d.agents) {
      run::AgentRun r = step.record;
      r.setup = run::Setup::pending;
      w.agents.push_back(std::move(r));
      names.push_back(step.record.name);
    }
    state.waves.push_back(std::move(w));
    head = run::save(in.repo, run, state, in.plan_text,
                     fmt::format("start wave {}: {}", d.label, util::join(names, ", ")), head);
    result.recorded = true;
  }

  // Branches and worktree registrations happen one at a time on this thread
  // (concurrent `git worktree add` race on git's metadata); each registered
  // worktree is handed at once to the workers, which check out and set up
  // up to `jobs` worktrees at a time while the next ones are registered.
  result.outcomes.resize(d.agents.size());
  std::mutex report;
  auto tell = [&](const AgentStep& step, const AgentOutcome& outcome) {
    if (options.on_agent) {
      const std::lock_guard lock(report);
      options.on_agent(step, outcome);
    }
  };
  std::mutex queue_mutex;
  std::condition_variable queue_ready;
  std::deque<std::size_t> queue;
  bool closed = false;
  // Setups running at once share the repository's hooks folder and config,
  // which hook managers' installs write: a setup that failed while another
  // ran is run again alone once the others are done (see run_alone), when
  // some setup passed (a race has a winner; when all fail, the failure is
  // the setup's own, and running each again would only take as long again).
  std::vector<std::size_t> running;
  std::vector<char> overlapped(d.agents.size(), 0);
  std::vector<std::size_t> run_alone;
  bool some_passed = false;
  auto setup = [&](std::size_t i) {
    const AgentStep& step = d.agents[i];
    SetupContext c{run,
                   d.label,
                   step.record.base,
                   step.record.branch,
                   step.record.worktree,
                   in.main_root,
                   step.record.setup_log,
                   options.setup_timeout};
    return run_setup(plan, plan.agents[step.agent], c);
  };
  auto worker = [&]() {
    while (true) {
      std::size_t i = 0;
      {
        std::unique_lock lock(queue_mutex);
        queue_ready.wait(lock, [&] { return !queue.empty() || closed; });
        if (queue.empty()) {
          return;
        }
        i = queue.front();
        queue.pop_front();
      }
      AgentStep& step = d.agents[i];
      AgentOutcome& outcome = result.outcomes[i];
      try {
        if (step.worktree == WorktreeAction::reuse || step.worktree == WorktreeAction::repair ||
            step.worktree == WorktreeAction::switch_) {
          git::switch_worktree(step.record.worktree, step.record.branch, step.record.setup_log,
                               step.ignored ? &*step.ignored : nullptr);
        } else if (step.worktree != WorktreeAction::ready) {
          git::checkout_worktree(step.record.worktree, step.record.setup_log);
        }
        if (step.run_setup) {
          {
            const std::lock_guard lock(queue_mutex);
            for (const std::size_t other : running) {
              overlapped[other] = 1;
            }
            overlapped[i] = running.empty() ? 0 : 1;
            running.push_back(i);
          }
          SetupOutcome done;
          try {
            done = setup(i);
          } catch (...) {
            const std::lock_guard lock(queue_mutex);
            std::erase(running, i);
            throw;
          }
          outcome.ok = done.ok;
          outcome.error = done.error;
          const std::lock_guard lock(queue_mutex);
          std::erase(running, i);
          some_passed = some_passed || done.ok;
          if (!done.ok && done.command_failed && overlapped[i] != 0) {
            run_alone.push_back(i);
            continue; // told once it has run alone
          }
        }
      } catch (const std::exception& e) {
        outcome.ok = false;
        outcome.error = e.what();
        log_line(step.record.setup_log, outcome.error);
      }
      tell(step, outcome);
    }
  };
  std::size_t busy = 0;
  for (const auto& step : d.agents) {
    busy += step.idle() ? 0 : 1;
  }
  std::vector<std::thread> threads;
  auto finish = [&]() {
    {
      const std::lock_guard lock(queue_mutex);
      closed = true;
    }
    queue_ready.notify_all();
    for (auto& t : threads) {
      if (t.joinable()) {
        t.join();
      }
    }
  };
  // Whatever happens below, the workers finish what they were given.
  struct Finally {
    std::function<void()> fn;
    ~Finally() { fn(); }
  } const join_workers{finish};
  const unsigned jobs = std::max(1U, std::min<unsigned>(options.jobs, static_cast<unsigned>(busy)));
  for (unsigned t = 0; t < jobs && busy > 0; ++t) {
    threads.emplace_back(worker);
  }
  for (std::size_t i = 0; i < d.agents.size(); ++i) {
    AgentStep& step = d.agents[i];
    AgentOutcome& outcome = result.outcomes[i];
    outcome.step = i;
    if (step.idle()) {
      continue;
    }
    const fs::path log = step.record.setup_log;
    log_line(log, fmt::format("# git wave start: agent '{}', wave {} of run '{}', at {}", step.record.name,
                              d.label, run, run::now_text()));
    try {
      if (step.create_branch) {
        create_branch(in.repo, step.record.branch, step.record.base);
      }
      if (step.worktree == WorktreeAction::redo) {
        git::discard_half_made_worktree(step.record.worktree, step.half_made);
      }
      if (step.worktree == WorktreeAction::add || step.worktree == WorktreeAction::re_add ||
          step.worktree == WorktreeAction::redo) {
        std::error_code ec;
        fs::create_directories(fs::path(step.record.worktree).parent_path(), ec);
        git::add_worktree(in.main_root, step.record.worktree, step.record.branch,
                          step.worktree == WorktreeAction::re_add, log);
      } else if (step.worktree == WorktreeAction::reuse) {
        std::error_code ec;
        fs::create_directories(fs::path(step.record.worktree).parent_path(), ec);
        git::move_worktree(in.main_root, step.record.reused, step.record.worktree, log);
      } else if (step.worktree == WorktreeAction::repair) {
        git::repair_worktree(in.main_root, step.record.worktree, log);
      }
      {
        const std::lock_guard lock(queue_mutex);
        queue.push_back(i);
      }
      queue_ready.notify_one();
    } catch (const std::exception& e) {
      outcome.ok = false;
      outcome.error = e.what();
      log_line(log, outcome.error);
      tell(step, outcome);
    }
  }
  finish();
  // What the last wave kept and this one does not need (its removal is a
  // rename: the files are deleted in the background).
  if (!d.surplus.empty()) {
    Cleanup unused;
    for (const auto& path : d.surplus) {
      remove_agent_worktree(in.repo, path, "", false, unused);
    }
    empty_trash(in.repo);
  }
  std::sort(run_alone.begin(), run_alone.end());
  for (const std::size_t i : run_alone) {
    AgentStep& step = d.agents[i];
    AgentOutcome& outcome = result.outcomes[i];
    if (some_passed && !util::stop_requested()) {
      log_line(step.record.setup_log,
               "# it failed while other setups ran at the same time (hook managers' installs write the "
               "repository's shared hooks and config): once more, alone");
      try {
        const auto done = setup(i);
        outcome.ok = done.ok;
        outcome.error = done.error;
      } catch (const std::exception& e) {
        outcome.ok = false;
        outcome.error = e.what();
        log_line(step.record.setup_log, outcome.error);
      }
    }
    tell(step, outcome);
  }

  // The agent CLIs' settings files of each agent's preset, ready for a
  // launch by hand as for `run` (flow/preset_files).
  for (auto& outcome : result.outcomes) {
    const AgentStep& step = d.agents[outcome.step];
    try {
      if (outcome.ok) {
        install_agent_preset(in.repo, plan, step.record.name, step.record.worktree);
      }
    } catch (const std::exception& e) {
      outcome.ok = false;
      outcome.error = e.what();
      log_line(step.record.setup_log, outcome.error);
    }
  }

  // Record every outcome at once.
  run::WaveRun* wave = state.current();
  bool changed = false;
  std::vector<std::string> summary;
  for (std::size_t i = 0; i < d.agents.size(); ++i) {
    AgentStep& step = d.agents[i];
    if (step.idle()) {
      continue;
    }
    const run::Setup now = result.outcomes[i].ok ? run::Setup::ok : run::Setup::failed;
    run::AgentRun* r = wave != nullptr ? wave->find(step.record.name) : nullptr;
    if (r == nullptr) {
      continue;
    }
    if (r->setup != now || r->setup_log != step.record.setup_log) {
      changed = true;
    }
    r->setup = now;
    r->setup_log = step.record.setup_log;
    step.record = *r;
    summary.push_back(fmt::format("{} {}", step.record.name, now == run::Setup::ok ? "ok" : "failed"));
  }
  if (changed) {
    run::save(in.repo, run, state, in.plan_text,
              fmt::format("set up wave {}: {}", d.label, util::join(summary, ", ")), head);
    result.recorded = true;
  }
  return result;
}

} // namespace wave::flow
