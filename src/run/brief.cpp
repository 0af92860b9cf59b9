#include "run/brief.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "pattern/glob.hpp"
#include "plan/ownership.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "run/inspect.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <variant>

namespace wave::run {

namespace {

constexpr std::size_t max_listed_files = 200;

struct TreeFiles {
  const plan::Ownership* ownership = nullptr;
  std::size_t agent = 0;
  // The folders the agent's patterns lead into ("src/", "out/a1/"); empty
  // when one may match anywhere: only those folders are walked.
  std::vector<std::string> dirs;
  std::vector<std::string> files;
  std::size_t total = 0;
};

// Whether folder `dir` ("a/b/") may hold a file the agent owns.
bool may_own_below(const TreeFiles& t, std::string_view dir) {
  return t.dirs.empty() || std::any_of(t.dirs.begin(), t.dirs.end(), [&](std::string_view d) {
           return util::starts_with(d, dir) || util::starts_with(dir, d);
         });
}

// The folders every match of `owns` lies in, one a pattern; empty when a
// pattern has none (it may match at the top).
std::vector<std::string> owned_dirs(const std::vector<plan::Located>& owns) {
  std::vector<std::string> dirs;
  for (const auto& p : owns) {
    const auto glob = pattern::Glob::compile(p.value);
    const auto* g = std::get_if<pattern::Glob>(&glob);
    if (g == nullptr || g->fixed_dir().empty()) {
      return {};
    }
    dirs.push_back(std::string(g->fixed_dir()) + "/");
  }
  return dirs;
}

int collect_owned(const char* root, const git_tree_entry* entry, void* payload) {
  auto* t = static_cast<TreeFiles*>(payload);
  if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
    return may_own_below(*t, std::string(root) + git_tree_entry_name(entry) + "/") ? 0 : 1;
  }
  std::string path = std::string(root) + git_tree_entry_name(entry);
  const auto owners = t->ownership->lookup(path);
  if (owners.is_protected) {
    return 0;
  }
  for (const auto i : owners.owners) {
    if (i == t->agent) {
      ++t->total;
      if (t->files.size() < max_listed_files) {
        t->files.push_back(std::move(path));
      }
      break;
    }
  }
  return 0;
}

std::string commit_subject(git_repository* repo, const std::string& oid) {
  const git::Commit c = git::lookup_commit(repo, git::oid_from(oid));
  return git_commit_summary(c.get()) != nullptr ? git_commit_summary(c.get()) : "";
}

// Why an attempt that did not finish ended, for the next attempt's brief.
std::string_view why_ended(AttemptEnd end) {
  switch (end) {
  case AttemptEnd::running:
  case AttemptEnd::done:
    break;
  case AttemptEnd::failed:
    return "it failed";
  case AttemptEnd::timeout:
    return "it ran out of time";
  case AttemptEnd::stalled:
    return "it stalled: no output and no change for too long";
  case AttemptEnd::unchanged:
    return "it changed nothing";
  case AttemptEnd::foreign:
    return "it touched files it may not touch";
  case AttemptEnd::own_gate:
    return "its own checks failed";
  case AttemptEnd::culprit:
    return "the wave's gate failed because of its work";
  case AttemptEnd::interrupted:
    return "it was interrupted";
  }
  return to_string(end);
}

// The brief, written section by section.
class Brief {
public:
  explicit Brief(const BriefInput& in)
      : m_in(in), m_repo(in.repo), m_plan(*in.plan), m_agent(in.agent), m_a(m_plan.agents[in.agent]),
        m_ownership(m_plan) {
    plan::Diagnostics ignored;
    m_schedule = plan::schedule(m_plan, false, ignored);
    if (m_agent < m_schedule.wave_of.size() && m_schedule.wave_of[m_agent] < m_schedule.waves.size()) {
      m_wave = &m_schedule.waves[m_schedule.wave_of[m_agent]];
    }
    find_record();
    m_integration = in.stored != nullptr
                        ? in.stored->state.integration
                        : (m_plan.base.empty() ? git::current_branch(m_repo).value_or("HEAD") : m_plan.base);
    if (m_record != nullptr) {
      m_base = m_record->base;
    } else if (const auto tip = git::resolve_commit(m_repo, "refs/heads/" + m_integration)) {
      m_base = git::oid_str(*tip);
    }
    // Promise the hook only where it will run: a hook manager may have replaced it.
    std::error_code ec;
    m_hooked = m_record != nullptr && std::filesystem::is_directory(m_record->worktree, ec) &&
               git::pre_commit_wiring(m_record->worktree).runs;
  }

  std::string write() {
    header_and_task();
    where_you_work();
    only_modify();
    do_not_modify();
    state_of_base();
    work_already_done();
    previous_attempt();
    how_to_verify();
    how_to_commit();
    return std::move(m_out);
  }

private:
  template <class... Args> void put(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(m_out), format, std::forward<Args>(args)...);
  }

  void bullet_list(const std::vector<std::string>& items) {
    for (const auto& i : items) {
      put("- {}\n", i);
    }
  }

  std::string wave_label() const { return m_wave != nullptr ? m_wave->label : "?"; }

  void find_record() {
    if (m_in.stored != nullptr) {
      if (const auto found = m_in.stored->state.find_agent(m_a.name)) {
        m_record_wave = found->first;
        m_record = found->second;
      }
    }
    if (m_record != nullptr && !m_in.worktree.empty()) {
      m_elsewhere = *m_record;
      m_elsewhere->worktree = std::filesystem::absolute(m_in.worktree).lexically_normal().string();
      m_record = &*m_elsewhere;
    }
  }

  void header_and_task() {
    put("# Brief for agent '{}' (run '{}', wave {})\n\n", m_a.name, m_plan.name, wave_label());
    put("## Task\n\n{}\n\n",
        m_a.task.empty() ? std::string("(the plan gives no task: ask the lead)") : m_a.task);
  }

  void where_you_work() {
    put("## Where you work\n\n");
    if (m_record != nullptr) {
      put("- Worktree: {}\n- Branch: {}\n", m_record->worktree, m_record->branch);
    } else {
      put("- Branch: {} (not created yet: the lead starts wave {} with 'git wave start')\n", branch(),
          wave_label());
    }
    if (!m_base.empty()) {
      put("- Based on {} at {} (\"{}\")\n", m_integration, git::short_oid(m_base),
          commit_subject(m_repo, m_base));
    }
    put("\n");
  }

  std::string branch() const { return agent_branch(m_plan.name, m_a.name); }

  void only_modify() {
    put("## ONLY modify these\n\n");
    if (m_a.read_only()) {
      put("Nothing: you are a read-only agent (a reviewer). Do not change or commit any file; report your "
          "findings to the lead.\n\n");
      return;
    }
    put("Patterns (git glob pathspecs from the repository root; files you create must match them too):\n");
    std::vector<std::string> owns;
    for (const auto& p : m_a.owns) {
      owns.push_back(p.value);
    }
    bullet_list(owns);
    if (!m_base.empty()) {
      existing_files();
    }
    put("\n");
  }

  // The files of the base the agent owns.
  void existing_files() {
    TreeFiles files;
    files.ownership = &m_ownership;
    files.agent = m_agent;
    files.dirs = owned_dirs(m_plan.agents[m_agent].owns);
    const git::Commit c = git::lookup_commit(m_repo, git::oid_from(m_base));
    const git::Tree tree = git::commit_tree(c.get());
    git::check(git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collect_owned, &files), "cannot list files");
    if (files.total == 0) {
      put("\nNo file matches them yet.\n");
      return;
    }
    put("\nFiles that exist now and are yours ({}):\n", files.total);
    bullet_list(files.files);
    if (files.total > files.files.size()) {
      put("- ... and {} more ('git wave owner' tells who owns a path)\n", files.total - files.files.size());
    }
  }

  void do_not_modify() {
    put("## DO NOT MODIFY\n\n");
    std::vector<std::string> others;
    if (m_wave != nullptr) {
      for (const auto i : m_wave->agents) {
        if (i == m_agent) {
          continue;
        }
        std::vector<std::string> patterns;
        for (const auto& p : m_plan.agents[i].owns) {
          patterns.push_back(p.value);
        }
        others.push_back(
            fmt::format("{} (owned by agent '{}', working at the same time)",
                        patterns.empty() ? std::string("nothing: read-only") : util::join(patterns, ", "),
                        m_plan.agents[i].name));
      }
    }
    for (const auto& p : m_plan.protected_paths) {
      others.push_back(fmt::format("{} (protected: nobody may change it)", p.value));
    }
    bullet_list(others);
    put("- Anything else outside your patterns. {}the gate re-checks your whole branch. Committed one "
        "by mistake? Commit it back as it was at the base (accepted), or ask the lead to run 'git wave "
        "repair {}'.\n\n",
        m_hooked ? "The pre-commit hook rejects a commit that touches such a file, and "
        : m_record != nullptr
            ? "No hook checks your commits in this worktree: check a path with 'git wave owner <path>' "
              "before you commit it; "
            : "",
        m_a.name);
  }

  void state_of_base() {
    put("## State of the base\n\n");
    std::vector<std::string> merged;
    const WaveRun* last_pass = nullptr;
    if (m_in.stored != nullptr) {
      for (const auto& w : m_in.stored->state.waves) {
        if (w.status == WaveStatus::merged) {
          std::vector<std::string> names;
          for (const auto& r : w.agents) {
            names.push_back(r.name);
          }
          merged.push_back(fmt::format("wave {} ({})", w.label, util::join(names, ", ")));
        }
        if (w.gate && w.gate->passed()) {
          last_pass = &w;
        }
      }
    }
    if (merged.empty()) {
      put("- No wave of this run is merged yet: you start from {} as it was.\n", m_integration);
    } else {
      put("- Merged into {} before you started: {}.\n", m_integration, util::join(merged, "; "));
    }
    if (last_pass != nullptr) {
      const auto& commands = m_plan.gate.commands;
      put("- The last gate that passed: wave {}, at {}{}.\n", last_pass->label, last_pass->gate->finished_at,
          commands.empty() ? std::string() : fmt::format(" ({})", util::join(commands, "; ")));
    } else {
      put("- No gate of this run has passed yet.\n");
    }
    put("\n");
  }

  // Work already there (a continuation agent).
  void work_already_done() {
    if (m_record == nullptr) {
      return;
    }
    const AgentView view = inspect_agent(m_repo, m_plan, m_ownership, m_agent, *m_record);
    if (view.ahead == 0 && view.uncommitted.empty()) {
      return;
    }
    put("## Work already done in this worktree\n\n");
    put("An earlier agent started this task. Continue from its work; do not redo or undo it.\n\n");
    if (view.ahead > 0) {
      put("Committed on {} ({} commit{} since the base), changing:\n", m_record->branch, view.ahead,
          view.ahead == 1 ? "" : "s");
      for (const auto& c : view.committed) {
        put("- {} {}\n", c.status, util::quote_path(c.path));
      }
    }
    if (!view.uncommitted.empty()) {
      put("{}Not committed yet:\n", view.ahead > 0 ? "\n" : "");
      for (const auto& c : view.uncommitted) {
        put("- {} {}\n", c.status == '?' ? 'A' : c.status, util::quote_path(c.path));
      }
    }
    if (!view.violations.empty()) {
      put("\nOf these, outside what you own (undo them, or ask the lead):\n");
      for (const auto& v : view.violations) {
        put("- {}\n", util::quote_path(v.path));
      }
      put("To undo one, put it back as it was at the base (git checkout {} -- <path>, or git rm "
          "<path> for a file that was not there) and commit that: the check accepts it. Or the "
          "lead runs 'git wave repair {}', which rewrites your branch without them.\n",
          git::short_oid(m_record->base), m_a.name);
    }
    put("\n");
  }

  // Why the last attempt of `git wave run` ended, and why a person asked
  // for this one (a continuation agent).
  void previous_attempt() {
    if (m_record_wave == nullptr) {
      return;
    }
    const Attempt* last = nullptr;
    for (const auto& at : m_record_wave->attempts) {
      if (at.agent == m_a.name && at.end != AttemptEnd::running) {
        last = &at; // the last one that ended (the one being briefed runs)
      }
    }
    if (last != nullptr && last->end != AttemptEnd::running && last->end != AttemptEnd::done) {
      const std::string_view reason = why_ended(last->end);
      put("## Why the previous attempt ended\n\n");
      put("This is attempt {}. Attempt {} ended because {}:\n\n", last->number + 1, last->number, reason);
      for (const auto& line : util::split(last->detail, '\n')) {
        put("    {}\n", line);
      }
      put("\nFix that first; keep what is right of the work above.\n\n");
    }
    relaunch_reason();
  }

  // A person asked for this launch (git wave relaunch): their reason.
  void relaunch_reason() {
    const Attempt* briefed = nullptr;
    for (const auto& at : m_record_wave->attempts) {
      if (at.agent == m_a.name) {
        briefed = &at;
      }
    }
    for (const auto& d : m_in.stored->state.actions) {
      if (d.kind == ActionKind::relaunch && d.agent == m_a.name && d.wave == m_record_wave->label &&
          d.wave_started_at == m_record_wave->started_at && briefed != nullptr &&
          d.after_attempt == briefed->number - 1 && !d.reason.empty()) {
        put("## Why you are launched again\n\n");
        put("The lead asked for this attempt: {}\n\n", util::escape_control(d.reason));
      }
    }
  }

  void how_to_verify() {
    put("## How to verify\n\n");
    if (!m_a.gate.empty()) {
      put("Run these in your worktree; they must pass:\n");
      bullet_list(m_a.gate);
    }
    if (!m_plan.gate.commands.empty()) {
      put("{}The lead then runs the wave's gate on everyone's work combined:\n",
          m_a.gate.empty() ? "" : "\n");
      bullet_list(m_plan.gate.commands);
      if (m_a.gate.empty()) {
        put("Run them in your worktree before you report.\n");
      }
    }
    if (m_a.gate.empty() && m_plan.gate.commands.empty()) {
      put("The plan sets no checks: build and run the tests the way the project does before you report.\n");
    }
    put("\n");
  }

  void how_to_commit() {
    put("## How to commit\n\n");
    if (m_a.read_only()) {
      put("Do not commit: your branch must stay empty.\n");
      return;
    }
    put("Commit in your worktree, on branch {}, in small commits that each do one thing:\n\n", branch());
    put("    git add <your files> && git commit -m \"<what and why>\"\n\n");
    put("{}: the gate checks every commit of the branch and would fail the whole wave. If the lead asked you "
        "to leave your work uncommitted, stop after "
        "verifying. When done, report to the lead: a summary of the change and the results of the checks.\n",
        m_hooked ? "Never bypass the pre-commit hook (--no-verify)"
                 : "Never commit a file outside your patterns");
  }

  const BriefInput& m_in;
  git_repository* m_repo;
  const plan::Plan& m_plan;
  std::size_t m_agent;
  const plan::Agent& m_a;
  const plan::Ownership m_ownership;
  plan::Schedule m_schedule;
  const plan::Wave* m_wave = nullptr;
  const AgentRun* m_record = nullptr;
  const WaveRun* m_record_wave = nullptr;
  std::optional<AgentRun> m_elsewhere;
  std::string m_integration;
  std::string m_base;
  bool m_hooked = false;
  std::string m_out;
};

} // namespace

std::string brief(const BriefInput& in) {
  return Brief(in).write();
}

std::string run_brief(git_repository* repo, const std::string& run, const std::string& agent,
                      const std::filesystem::path& worktree) {
  const auto stored = load(repo, run);
  if (!stored) {
    throw Error(fmt::format("there is no run '{}'", run));
  }
  auto parsed = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", run));
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", run));
  }
  const auto index = parsed.plan->find(agent);
  if (!index) {
    throw Error(fmt::format("run '{}' has no agent {}", run, util::quote(agent)));
  }
  BriefInput in;
  in.repo = repo;
  in.plan = &*parsed.plan;
  in.stored = &*stored;
  in.agent = *index;
  in.worktree = worktree;
  return brief(in);
}

} // namespace wave::run
