#include "gate/gate.hpp"

#include "core/error.hpp"
#include "gate/bisect.hpp"
#include "gate/gate_lock.hpp"
#include "gate/logs.hpp"
#include "gate/worktrees.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/repo.hpp"
#include "git/worktree.hpp"
#include "run/branch.hpp"
#include "run/decisions.hpp"
#include "run/state.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>

namespace wave::gate {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Env = std::vector<std::pair<std::string, std::string>>;

namespace {

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << text;
}

// A step done here rather than by a command (commit, audit, candidate):
// timed, reported like the others, what it found written to its log.
template <class Fn> StepRecord internal_step(Step step, Reporter& reporter, Fn fn) {
  reporter.step_started(step);
  const auto start = Clock::now();
  std::string text;
  std::string detail;
  const bool ok = fn(text, detail);
  write_text(step.log, text);
  StepResult r;
  r.status = ok ? StepStatus::pass : StepStatus::fail;
  r.detail = ok ? std::string() : detail;
  r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  reporter.step_finished(step, r);
  return {std::move(step), r};
}

Env environment(const GateInput& in, std::string_view agent, const git_oid& base,
                const std::string& candidate, const std::vector<std::string>& agents) {
  return {{"WAVE_RUN", in.run},
          {"WAVE_WAVE", in.wave},
          {"WAVE_AGENT", std::string(agent)},
          {"WAVE_BASE", git::oid_str(base)},
          {"WAVE_CANDIDATE", candidate},
          {"WAVE_AGENTS", util::join(agents, " ")}};
}

std::string how_text(Applied::How how) {
  switch (how) {
  case Applied::How::fast:
    return "applied (its base is the tip, its files untouched by earlier branches)";
  case Applied::How::merged:
    return "merged (3-way)";
  case Applied::How::skipped:
    break;
  }
  return "skipped (nothing to merge)";
}

std::string conflict_text(const Conflict& c) {
  std::vector<std::string> with;
  for (const auto& w : c.with) {
    with.push_back(w == "the integration branch" ? w : util::quote(w));
  }
  std::vector<std::string> paths;
  for (const auto& p : c.paths) {
    paths.push_back(util::quote(p));
  }
  return fmt::format("merge conflict: {} conflicts with {} in {}", util::quote(c.agent),
                     util::join(with, " and "), util::join(paths, ", "));
}

class Gate {
public:
  Gate(const GateInput& in, Reporter& reporter) : m_in(in), m_reporter(reporter), m_logs(in.log_dir) {}

  GateReport run() {
    m_rep.started_at = run::now_text();
    std::error_code ec;
    fs::create_directories(m_in.log_dir, ec);
    if (ec) {
      throw Error(fmt::format("cannot create '{}': {}", m_in.log_dir.string(), ec.message()));
    }
    run_all();
    m_rep.finished_at = run::now_text();
    return std::move(m_rep);
  }

private:
  void fail(const std::string& summary) {
    m_rep.pass = false;
    m_rep.summary += (m_rep.summary.empty() ? "" : "; ") + summary;
  }

  // `agent` is to blame for the failure (its own gate, its foreign files):
  // named in the culprits once, in the order found.
  void blame(const std::string& agent) {
    if (std::find(m_rep.culprits.begin(), m_rep.culprits.end(), agent) == m_rep.culprits.end()) {
      m_rep.culprits.push_back(agent);
    }
  }

  void run_all() {
    // What is cheap and needs no command first, all of it, so that one gate
    // run reports every problem of this kind: then the commands.
    const bool committed = !m_in.lead_commits || lead_commits();
    read_tips();
    const bool audited = audit_all();
    const bool merged = candidate();
    if (!committed) {
      fail("uncommitted work could not be committed");
    }
    if (!audited && (m_unchanged.empty() || !m_rep.findings.empty())) {
      fail("ownership audit failed");
    }
    if (!m_unchanged.empty()) {
      fail(fmt::format("{} changed nothing", util::join(m_unchanged, ", ")));
    }
    if (!committed || !audited || !merged) {
      return;
    }
    if (!agent_gates()) {
      return;
    }
    if (m_in.plan->gate.commands.empty()) {
      m_rep.pass = true;
      return;
    }
    const auto all = names_of(m_applied_indices);
    if (plan_gate(*m_rep.candidate, "gate", all)) {
      m_rep.pass = true;
      return;
    }
    fail("the gate failed on the candidate");
    if (m_in.bisect && m_in.bisect_runs.value_or(1) > 0 && !m_applied_indices.empty()) {
      find_culprits();
    }
  }

  bool lead_commits() {
    bool ok = true;
    std::vector<std::size_t> all(m_in.agents.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      all[i] = i;
    }
    auto commits = commit_agents(m_in, all);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& a = m_in.agents[i];
      auto& lc = commits[i];
      if (lc.clean()) {
        continue;
      }
      Step step{"commit", a.name, "", a.worktree, m_logs.next("commit", a.name), {}, std::nullopt};
      m_rep.steps.push_back(internal_step(step, m_reporter, [&](std::string& text, std::string& detail) {
        if (!lc.error.empty()) {
          text = lc.error + "\n";
          detail = lc.error;
          return false;
        }
        if (!lc.refused.empty()) {
          text = fmt::format("not committed: {} of {} changed files are not {}'s to touch\n",
                             lc.refused.size(), lc.files, a.name);
          for (const auto& f : lc.refused) {
            text += "  " + f.describe() + "\n";
          }
          detail = fmt::format("{} foreign file{}", lc.refused.size(), lc.refused.size() == 1 ? "" : "s");
          return false;
        }
        text = fmt::format("committed {} changed file{} as {}\n", lc.files, lc.files == 1 ? "" : "s",
                           git::oid_str(*lc.commit));
        return true;
      }));
      if (!lc.refused.empty()) {
        blame(a.name);
      }
      ok = ok && lc.ok();
      m_rep.commits.push_back(std::move(lc));
    }
    return ok;
  }

  void read_tips() {
    const auto onto = git::resolve_commit(m_in.repo, m_in.integration);
    if (!onto) {
      throw Error(
          fmt::format("the integration branch '{}' does not exist", git::branch_name(m_in.integration)));
    }
    m_rep.base = *onto;
    m_rep.tips.clear();
    for (const auto& a : m_in.agents) {
      const auto tip = git::resolve_commit(m_in.repo, a.branch);
      if (!tip) {
        throw Error(
            fmt::format("branch '{}' of agent '{}' does not exist", git::branch_name(a.branch), a.name),
            exit_code::fatal, {"abort the wave with 'git wave abort' and start it again"});
      }
      m_rep.tips.emplace_back(a.name, *tip);
    }
  }

  bool audit_all() {
    bool ok = true;
    for (std::size_t i = 0; i < m_in.agents.size(); ++i) {
      const auto& a = m_in.agents[i];
      const auto& tip = m_rep.tips[i].second;
      Step step{"audit", a.name, "", {}, m_logs.next("audit", a.name), {}, std::nullopt};
      m_rep.steps.push_back(internal_step(step, m_reporter, [&](std::string& text, std::string& detail) {
        // What it lands next to: the integration tip and the other tips.
        std::vector<git_oid> onto{m_rep.base};
        for (std::size_t j = 0; j < m_rep.tips.size(); ++j) {
          if (j != i) {
            onto.push_back(m_rep.tips[j].second);
          }
        }
        const auto touched = branch_paths(m_in.repo, tip, a.base, onto);
        auto found = audit(*m_in.plan, *m_in.ownership, a.plan_index, touched);
        const auto restored =
            take_restored(m_in.repo, landing_bases(m_in.repo, tip, a.base, onto), tip, found);
        text = fmt::format("{} commits touch {} path{} from {} to {}\n", git::branch_name(a.branch),
                           touched.size(), touched.size() == 1 ? "" : "s", git::oid_str(a.base),
                           git::oid_str(tip));
        for (const auto& f : found) {
          text += "  " + f.describe() + "\n";
        }
        for (const auto& f : restored) {
          text += fmt::format("  {}, restored to its content at the base: accepted ('git wave repair {}' "
                              "drops the change from the history)\n",
                              f.describe(), a.name);
        }
        m_rep.findings.insert(m_rep.findings.end(), found.begin(), found.end());
        m_rep.restored.insert(m_rep.restored.end(), restored.begin(), restored.end());
        if (!found.empty()) {
          blame(a.name);
        }
        if (!a.may_be_empty && git_oid_equal(&tip, &a.base) != 0) {
          text += fmt::format("  no change: its task is not done (set allow_empty on '{}' if that can be "
                              "right, or 'git wave accept {}')\n",
                              a.name, a.name);
          m_unchanged.push_back(a.name);
          blame(a.name);
          detail = "changed nothing";
          return false;
        }
        detail =
            fmt::format("{} path{} not {}'s to touch", found.size(), found.size() == 1 ? "" : "s", a.name);
        return found.empty();
      }));
      ok = ok && m_rep.steps.back().result.status == StepStatus::pass;
    }
    return ok;
  }

  // The gate lock of the worktree `where` (agent empty: the scratch worktree).
  std::unique_ptr<GateLock> lock(const std::string& agent, const fs::path& where) {
    return std::make_unique<GateLock>(gate_lock_path(m_in.repo, m_in.run, agent), where, m_in.command,
                                      [this](std::string_view text) { m_reporter.waiting(text); });
  }

  // A step as recorded: the lock it ran under is let go after the gate.
  static StepRecord record(Step step, const StepResult& result) {
    step.lock = nullptr;
    return {std::move(step), result};
  }

  bool agent_gates() {
    std::vector<std::unique_ptr<GateLock>> locks;
    std::vector<std::vector<Step>> groups;
    std::vector<std::string> failed;
    for (std::size_t i = 0; i < m_in.agents.size(); ++i) {
      const auto& a = m_in.agents[i];
      if (a.gate.empty()) {
        continue;
      }
      fs::path where = a.worktree;
      const bool remote = where.empty();
      if (remote) {
        // Its worktree is on another machine: its tip is checked out here.
        where = agent_scratch_dir(m_in.repo, m_in.run, a.name);
      }
      // One gate at a time in its worktree, from before the checkout.
      locks.push_back(lock(a.name, where));
      if (remote && !checkout(where, git::oid_str(m_rep.tips[i].second), "agent checkout", a.name)) {
        failed.push_back(util::quote(a.name));
        continue;
      }
      std::vector<Step> group;
      for (const auto& command : a.gate) {
        group.push_back(Step{"agent gate", a.name, command, where, m_logs.next("agent-gate", a.name),
                             environment(m_in, a.name, a.base, "", {a.name}), m_in.plan->gate.timeout,
                             locks.back().get()});
      }
      groups.push_back(std::move(group));
    }
    const auto results = run_groups(groups, m_in.jobs, m_reporter);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      bool group_ok = true;
      for (std::size_t s = 0; s < groups[g].size(); ++s) {
        group_ok = group_ok && results[g][s].status == StepStatus::pass;
        m_rep.steps.push_back(record(groups[g][s], results[g][s]));
      }
      if (!group_ok) {
        failed.push_back(util::quote(groups[g].front().agent));
      }
    }
    if (!failed.empty()) {
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto& agent = groups[g].front().agent;
        if (std::find(failed.begin(), failed.end(), util::quote(agent)) != failed.end()) {
          blame(agent);
        }
      }
      fail(fmt::format("the own gate of {} failed", util::join(failed, ", ")));
      return false;
    }
    return true;
  }

  CandidateSpec spec_for(const std::vector<std::size_t>& agent_indices) const {
    CandidateSpec spec;
    spec.run = m_in.run;
    spec.wave = m_in.wave;
    spec.onto = m_rep.base;
    spec.style = m_in.plan->merge;
    for (const auto i : agent_indices) {
      const auto& a = m_in.agents[i];
      spec.branches.push_back(
          {a.name, a.task, std::string(git::branch_name(a.branch)), a.base, m_rep.tips[i].second, a.title});
    }
    return spec;
  }

  bool candidate() {
    std::vector<std::size_t> all(m_in.agents.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      all[i] = i;
    }
    Step step{"candidate", "", "", {}, m_logs.next("candidate"), {}, std::nullopt};
    m_rep.steps.push_back(internal_step(step, m_reporter, [&](std::string& text, std::string& detail) {
      const auto cand = build_candidate(m_in.repo, spec_for(all));
      text = fmt::format("onto {} ({})\n", git::branch_name(m_in.integration), git::oid_str(m_rep.base));
      for (const auto& a : cand.applied) {
        text += fmt::format("  {}: {}\n", a.agent, how_text(a.how));
      }
      if (cand.conflict) {
        m_rep.conflict = cand.conflict;
        detail = conflict_text(*cand.conflict);
        text += detail + "\n";
        return false;
      }
      m_rep.candidate = cand.commit;
      m_rep.applied = cand.applied;
      for (std::size_t i = 0; i < cand.applied.size(); ++i) {
        if (cand.applied[i].how != Applied::How::skipped) {
          m_applied_indices.push_back(i);
        }
      }
      text += fmt::format("candidate {}\n", git::oid_str(cand.commit));
      return true;
    }));
    if (m_rep.conflict) {
      fail(conflict_text(*m_rep.conflict));
      return false;
    }
    return true;
  }

  std::vector<std::string> names_of(const std::vector<std::size_t>& indices) const {
    std::vector<std::string> out;
    for (const auto i : indices) {
      out.push_back(m_in.agents[i].name);
    }
    return out;
  }

  // Checks `oid` out, detached, in the scratch worktree `scratch` (added
  // when missing or unusable), as a recorded step named `name`.
  bool checkout(const fs::path& scratch, const std::string& oid, const std::string& name,
                const std::string& agent) {
    const bool exists = fs::exists(scratch / ".git");
    const std::vector<std::string> checkout_args{"-C",      scratch.string(), "checkout", "-q",
                                                 "--force", "--detach",       oid};
    const std::vector<std::string> clean_args{"-C", scratch.string(), "clean", "-q", "-f", "-d"};
    const std::vector<std::string> add_args{"worktree",       "add", "-q", "--force", "--detach",
                                            scratch.string(), oid};
    Step step{name,
              agent,
              git::git_command(exists ? checkout_args : add_args),
              scratch,
              agent.empty() ? m_logs.next(name) : m_logs.next(name, agent),
              {},
              std::nullopt};
    m_rep.steps.push_back(internal_step(step, m_reporter, [&](std::string& text, std::string& detail) {
      auto git = [&](const fs::path& cwd, const std::vector<std::string>& args) {
        auto r = git::run_git(cwd, args);
        text += "$ " + git::git_command(args) + "\n" + r.output + (r.output.empty() ? "" : "\n");
        detail = fmt::format("git {}: {}", args[args[0] == "-C" ? 2 : 0], r.process.describe());
        return r.ok();
      };
      // Untracked files go; ignored ones (build output) stay for incremental builds.
      if (exists && git(scratch, checkout_args) && git(scratch, clean_args)) {
        return true;
      }
      // Missing or unusable: register it afresh.
      prune_worktree(m_in.repo, scratch);
      fs::create_directories(scratch.parent_path());
      if (!git(git::common_dir(m_in.repo), add_args)) {
        return false;
      }
      // The commit is checked out whole, even where the main worktree's
      // sparse checkout was inherited.
      const auto sparse = git::run_git(scratch, {"config", "--get", "--bool", "core.sparseCheckout"});
      return !sparse.ok() || util::trim(sparse.output) != "true" ||
             git(scratch, {"-C", scratch.string(), "sparse-checkout", "disable"});
    }));
    return m_rep.steps.back().result.status == StepStatus::pass;
  }

  // Checks `commit` out in the scratch worktree and runs the plan's gate
  // there; every step is recorded. `label` names the steps.
  bool plan_gate(const git_oid& commit, const std::string& label, const std::vector<std::string>& agents) {
    const fs::path scratch = scratch_dir(m_in.repo, m_in.run);
    const std::string oid = git::oid_str(commit);
    if (!m_scratch_lock) {
      // One gate at a time in the scratch worktree, from before its
      // checkout; held for every round of a bisection.
      m_scratch_lock = lock("", scratch);
    }
    if (!checkout(scratch, oid, label == "gate" ? "checkout" : label + " checkout", "")) {
      return false;
    }
    std::vector<Step> group;
    for (const auto& command : m_in.plan->gate.commands) {
      group.push_back(Step{label, "", command, scratch, m_logs.next(label),
                           environment(m_in, "", m_rep.base, oid, agents), m_in.plan->gate.timeout,
                           m_scratch_lock.get()});
    }
    const auto results = run_groups({group}, 1, m_reporter);
    bool ok = true;
    for (std::size_t s = 0; s < group.size(); ++s) {
      ok = ok && results[0][s].status == StepStatus::pass;
      m_rep.steps.push_back(record(group[s], results[0][s]));
    }
    return ok;
  }

  // The tree of `commit`, as text; empty when it cannot be read.
  std::string tree_of(const git_oid& commit) const {
    try {
      const git::Commit c = git::lookup_commit(m_in.repo, commit);
      return git::oid_str(*git_commit_tree_id(c.get()));
    } catch (const Error&) {
      return {};
    }
  }

  void find_culprits() {
    m_rep.bisected = true;
    m_reporter.note(fmt::format("bisecting {} branches to find the culprit", m_applied_indices.size()));
    // What the gate gave on a tree already: it passed on what this run
    // gated or merged before (the integration tip, most often), it failed
    // on the whole candidate; a subset with one of those trees is not run
    // again.
    std::map<std::string, Outcome> trees;
    for (const auto& oid : m_in.passed) {
      if (auto t = tree_of(oid); !t.empty()) {
        trees.emplace(std::move(t), Outcome::pass);
      }
    }
    if (auto t = tree_of(*m_rep.candidate); !t.empty()) {
      trees[t] = Outcome::fail;
    }
    std::map<std::vector<std::size_t>, Candidate> built;
    const auto candidate_of = [&](const std::vector<std::size_t>& subset) -> const Candidate& {
      if (const auto it = built.find(subset); it != built.end()) {
        return it->second;
      }
      std::vector<std::size_t> agents;
      for (const auto k : subset) {
        agents.push_back(m_applied_indices[k]);
      }
      return built.emplace(subset, build_candidate(m_in.repo, spec_for(agents))).first->second;
    };
    BisectLimits limits;
    limits.max_runs = m_in.bisect_runs;
    limits.recall = [&](const std::vector<std::size_t>& subset) -> std::optional<Outcome> {
      const Candidate& cand = candidate_of(subset);
      if (cand.conflict) {
        return std::nullopt;
      }
      const auto it = trees.find(tree_of(cand.commit));
      if (it == trees.end()) {
        return std::nullopt;
      }
      std::vector<std::size_t> agents;
      for (const auto k : subset) {
        agents.push_back(m_applied_indices[k]);
      }
      const auto names = names_of(agents);
      m_reporter.note(fmt::format("bisect: {} ({}) was gated before: {}", git::short_oid(cand.commit),
                                  names.empty() ? std::string("integration tip") : util::join(names, ", "),
                                  it->second == Outcome::pass ? "pass" : "fail"));
      return it->second;
    };
    int round = 0;
    const auto result = bisect(
        m_applied_indices.size(),
        [&](const std::vector<std::size_t>& subset) {
          ++round;
          std::vector<std::size_t> agents;
          for (const auto k : subset) {
            agents.push_back(m_applied_indices[k]);
          }
          const auto names = names_of(agents);
          const Candidate& cand = candidate_of(subset);
          if (cand.conflict) {
            m_reporter.note(fmt::format("bisect {}: {}", round, conflict_text(*cand.conflict)));
            return Outcome::untestable;
          }
          // The commit tested and the agents in it: "bisect 2 at 1a2b3c4 (alpha, beta)".
          const std::string label =
              fmt::format("bisect {} at {} ({})", round, git::short_oid(cand.commit),
                          names.empty() ? std::string("integration tip") : util::join(names, ", "));
          const Outcome o = plan_gate(cand.commit, label, names) ? Outcome::pass : Outcome::fail;
          if (auto t = tree_of(cand.commit); !t.empty()) {
            trees.emplace(std::move(t), o);
          }
          return o;
        },
        limits);
    m_rep.bisect_runs = result.runs;
    m_rep.bisect_reused = result.reused;
    m_rep.base_fails = result.base_fails;
    m_rep.bisect_untestable = result.untestable;
    m_rep.bisect_bounded = result.bounded;
    for (const auto k : result.culprits) {
      m_rep.culprits.push_back(m_in.agents[m_applied_indices[k]].name);
    }
    const std::string runs = fmt::format("{} gate run{}", result.runs, result.runs == 1 ? "" : "s");
    if (result.base_fails) {
      m_rep.summary =
          fmt::format("the gate fails on the integration tip itself ({}); no agent to blame", runs);
    } else if (result.untestable) {
      m_rep.summary =
          fmt::format("the gate failed on the candidate; bisecting stopped: a subset could not be tested "
                      "({})",
                      runs);
    } else if (result.bounded) {
      std::vector<std::string> quoted;
      for (const auto& c : m_rep.culprits) {
        quoted.push_back(util::quote(c));
      }
      m_rep.summary =
          fmt::format("the gate failed on the candidate; bisecting stopped at its bound ({}){}", runs,
                      quoted.empty() ? std::string()
                                     : fmt::format(": {} {} it", util::join(quoted, ", "),
                                                   m_rep.culprits.size() == 1 ? "breaks" : "break"));
    } else if (!m_rep.culprits.empty()) {
      std::vector<std::string> quoted;
      for (const auto& c : m_rep.culprits) {
        quoted.push_back(util::quote(c));
      }
      m_rep.summary =
          fmt::format("the gate failed on the candidate; {} {} it (bisect: {})", util::join(quoted, ", "),
                      m_rep.culprits.size() == 1 ? "breaks" : "break", runs);
    }
  }

  const GateInput& m_in;
  Reporter& m_reporter;
  LogNames m_logs;
  GateReport m_rep;
  std::vector<std::size_t> m_applied_indices; // agents whose branch changed the candidate
  std::vector<std::string> m_unchanged;        // agents that changed nothing and may not
  std::unique_ptr<GateLock> m_scratch_lock;    // taken by the first plan_gate
};

} // namespace

GateInput gate_input(git_repository* repo, const plan::Plan& plan, const plan::Ownership& ownership,
                     const run::State& state, const run::WaveRun& wave) {
  GateInput in;
  in.repo = repo;
  in.plan = &plan;
  in.ownership = &ownership;
  in.run = state.run;
  in.wave = wave.label;
  in.id = run::WaveId::of(state, wave);
  in.integration = "refs/heads/" + state.integration;
  in.log_dir = new_log_dir(run::logs_dir(repo, state.run), wave.label);
  const auto linked = git::linked_worktrees(repo);
  for (const auto& a : wave.agents) {
    const auto index = plan.find(a.name);
    if (!index) {
      throw Error(fmt::format("agent '{}' of wave {} is not in the run's recorded plan", a.name, wave.label),
                  exit_code::fatal,
                  {fmt::format("inspect the run with 'git log -p {}'", run::state_ref(state.run))});
    }
    const auto& p = plan.agents[*index];
    AgentInput ai;
    ai.plan_index = *index;
    ai.name = a.name;
    ai.task = p.task;
    ai.title = plan::title_of(p);
    ai.branch = "refs/heads/" + run::branch_of(state.run, a);
    // A worktree this repository does not know is another machine's (the
    // run is kept on a remote): the branch is gated as fetched.
    ai.worktree =
        a.worktree.empty() || !git::find_worktree(linked, a.worktree) ? fs::path() : fs::path(a.worktree);
    ai.base = git::oid_from(a.base.empty() ? wave.base : a.base);
    ai.gate = p.gate;
    ai.may_be_empty = plan::may_be_empty(plan, p) ||
                      run::standing_of(state, wave, a.name).standing == run::Standing::accepted;
    in.agents.push_back(std::move(ai));
  }
  std::sort(in.agents.begin(), in.agents.end(),
            [](const AgentInput& x, const AgentInput& y) { return x.plan_index < y.plan_index; });
  in.bisect_runs = plan.gate.bisect;
  for (const auto& w : state.waves) {
    if (w.gate && w.gate->passed() && !w.gate->candidate.empty()) {
      in.passed.push_back(git::oid_from(w.gate->candidate));
    }
    if (w.merged && !w.merged->to.empty()) {
      in.passed.push_back(git::oid_from(w.merged->to));
    }
  }
  return in;
}

GateReport run_gate(const GateInput& in, Reporter& reporter) {
  return Gate(in, reporter).run();
}

} // namespace wave::gate
