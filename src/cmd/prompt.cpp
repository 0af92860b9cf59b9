// git wave prompt AGENT: the brief to hand an agent -- its task, the files
// it alone may change, the files it must not touch, the state of its base,
// how to verify and how to commit, and the work already in its worktree.
#include "cmd/commands.hpp"

#include "git/wave_hooks.hpp"
#include "cli/plan_loader.hpp"
#include "cli/run_select.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/ownership.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/branch.hpp"
#include "run/inspect.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cmd {

namespace {

constexpr std::size_t max_listed_files = 200;

struct TreeFiles {
  const plan::Ownership* ownership = nullptr;
  std::size_t agent = 0;
  std::vector<std::string> files;
  std::size_t total = 0;
};

int collect_owned(const char* root, const git_tree_entry* entry, void* payload) {
  if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
    return 0;
  }
  auto* t = static_cast<TreeFiles*>(payload);
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

void bullet_list(const std::vector<std::string>& items) {
  for (const auto& i : items) {
    fmt::print("- {}\n", i);
  }
}

// Why an attempt that did not finish ended, for the next attempt's brief.
std::string_view why_ended(run::AttemptEnd end) {
  switch (end) {
  case run::AttemptEnd::running:
  case run::AttemptEnd::done:
    break;
  case run::AttemptEnd::failed:
    return "it failed";
  case run::AttemptEnd::timeout:
    return "it ran out of time";
  case run::AttemptEnd::stalled:
    return "it stalled: no output and no change for too long";
  case run::AttemptEnd::unchanged:
    return "it changed nothing";
  case run::AttemptEnd::foreign:
    return "it touched files it may not touch";
  case run::AttemptEnd::own_gate:
    return "its own checks failed";
  case run::AttemptEnd::culprit:
    return "the wave's gate failed because of its work";
  case run::AttemptEnd::interrupted:
    return "it was interrupted";
  }
  return run::to_string(end);
}

} // namespace

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
    const std::string run_name = cli::select_run(repo.get(), run_option);
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

  const std::size_t agent = cli::require_agent(plan, agent_name);
  const plan::Agent& a = plan.agents[agent];
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(plan, false, ignored);
  const plan::Ownership ownership(plan);
  const plan::Wave* wave = nullptr;
  if (agent < schedule.wave_of.size() && schedule.wave_of[agent] < schedule.waves.size()) {
    wave = &schedule.waves[schedule.wave_of[agent]];
  }

  const run::AgentRun* record = nullptr;
  const run::WaveRun* record_wave = nullptr;
  if (stored) {
    if (const auto found = stored->state.find_agent(agent_name)) {
      record_wave = found->first;
      record = found->second;
    }
  }
  std::optional<run::AgentRun> elsewhere;
  if (record != nullptr && !worktree_option.empty()) {
    elsewhere = *record;
    elsewhere->worktree = std::filesystem::absolute(worktree_option).lexically_normal().string();
    record = &*elsewhere;
  }
  const std::string integration =
      stored ? stored->state.integration
             : (plan.base.empty() ? git::current_branch(repo.get()).value_or("HEAD") : plan.base);
  std::string base;
  if (record != nullptr) {
    base = record->base;
  } else if (const auto tip = git::resolve_commit(repo.get(), "refs/heads/" + integration)) {
    base = git::oid_str(*tip);
  }

  // Header and task.
  fmt::print("# Brief for agent '{}' (run '{}', wave {})\n\n", a.name, plan.name,
             wave != nullptr ? wave->label : "?");
  fmt::print("## Task\n\n{}\n\n",
             a.task.empty() ? std::string("(the plan gives no task: ask the lead)") : a.task);

  fmt::print("## Where you work\n\n");
  const std::string branch = run::agent_branch(plan.name, a.name);
  if (record != nullptr) {
    fmt::print("- Worktree: {}\n- Branch: {}\n", record->worktree, record->branch);
  } else {
    fmt::print("- Branch: {} (not created yet: the lead starts wave {} with 'git wave start')\n", branch,
               wave != nullptr ? wave->label : "?");
  }
  if (!base.empty()) {
    fmt::print("- Based on {} at {} (\"{}\")\n", integration, git::short_oid(base),
               commit_subject(repo.get(), base));
  }
  fmt::print("\n");

  // What it owns.
  fmt::print("## ONLY modify these\n\n");
  if (a.read_only()) {
    fmt::print(
        "Nothing: you are a read-only agent (a reviewer). Do not change or commit any file; report your "
        "findings to the lead.\n\n");
  } else {
    fmt::print(
        "Patterns (git glob pathspecs from the repository root; files you create must match them too):\n");
    std::vector<std::string> owns;
    for (const auto& p : a.owns) {
      owns.push_back(p.value);
    }
    bullet_list(owns);
    if (!base.empty()) {
      TreeFiles files;
      files.ownership = &ownership;
      files.agent = agent;
      const git::Commit c = git::lookup_commit(repo.get(), git::oid_from(base));
      const git::Tree tree = git::commit_tree(c.get());
      git::check(git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collect_owned, &files), "cannot list files");
      if (files.total == 0) {
        fmt::print("\nNo file matches them yet.\n");
      } else {
        fmt::print("\nFiles that exist now and are yours ({}):\n", files.total);
        bullet_list(files.files);
        if (files.total > files.files.size()) {
          fmt::print("- ... and {} more ('git wave owner' tells who owns a path)\n",
                     files.total - files.files.size());
        }
      }
    }
    fmt::print("\n");
  }

  // What it must not touch.
  fmt::print("## DO NOT MODIFY\n\n");
  std::vector<std::string> others;
  if (wave != nullptr) {
    for (const auto i : wave->agents) {
      if (i == agent) {
        continue;
      }
      std::vector<std::string> patterns;
      for (const auto& p : plan.agents[i].owns) {
        patterns.push_back(p.value);
      }
      others.push_back(
          fmt::format("{} (owned by agent '{}', working at the same time)",
                      patterns.empty() ? std::string("nothing: read-only") : util::join(patterns, ", "),
                      plan.agents[i].name));
    }
  }
  for (const auto& p : plan.protected_paths) {
    others.push_back(fmt::format("{} (protected: nobody may change it)", p.value));
  }
  bullet_list(others);
  // Promise the hook only where it will run: a hook manager may have replaced it.
  std::error_code ec;
  const bool hooked = record != nullptr && std::filesystem::is_directory(record->worktree, ec) &&
                      git::pre_commit_wiring(record->worktree).runs;
  fmt::print("- Anything else outside your patterns. {}the gate re-checks your whole branch. Committed one "
             "by mistake? Commit it back as it was at the base (accepted), or ask the lead to run 'git wave "
             "repair {}'.\n\n",
             hooked ? "The pre-commit hook rejects a commit that touches such a file, and "
             : record != nullptr
                 ? "No hook checks your commits in this worktree: check a path with 'git wave owner <path>' "
                   "before you commit it; "
                 : "",
             agent_name);

  // The state of its base.
  fmt::print("## State of the base\n\n");
  std::vector<std::string> merged;
  const run::WaveRun* last_pass = nullptr;
  if (stored) {
    for (const auto& w : stored->state.waves) {
      if (w.status == run::WaveStatus::merged) {
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
    fmt::print("- No wave of this run is merged yet: you start from {} as it was.\n", integration);
  } else {
    fmt::print("- Merged into {} before you started: {}.\n", integration, util::join(merged, "; "));
  }
  if (last_pass != nullptr) {
    const auto& commands = plan.gate.commands;
    fmt::print("- The last gate that passed: wave {}, at {}{}.\n", last_pass->label,
               last_pass->gate->finished_at,
               commands.empty() ? std::string() : fmt::format(" ({})", util::join(commands, "; ")));
  } else {
    fmt::print("- No gate of this run has passed yet.\n");
  }
  fmt::print("\n");

  // Work already there (a continuation agent).
  if (record != nullptr) {
    const run::AgentView view = run::inspect_agent(repo.get(), plan, ownership, agent, *record);
    if (view.ahead > 0 || !view.uncommitted.empty()) {
      fmt::print("## Work already done in this worktree\n\n");
      fmt::print("An earlier agent started this task. Continue from its work; do not redo or undo it.\n\n");
      if (view.ahead > 0) {
        fmt::print("Committed on {} ({} commit{} since the base), changing:\n", record->branch, view.ahead,
                   view.ahead == 1 ? "" : "s");
        for (const auto& c : view.committed) {
          fmt::print("- {} {}\n", c.status, util::quote_path(c.path));
        }
      }
      if (!view.uncommitted.empty()) {
        fmt::print("{}Not committed yet:\n", view.ahead > 0 ? "\n" : "");
        for (const auto& c : view.uncommitted) {
          fmt::print("- {} {}\n", c.status == '?' ? 'A' : c.status, util::quote_path(c.path));
        }
      }
      if (!view.violations.empty()) {
        fmt::print("\nOf these, outside what you own (undo them, or ask the lead):\n");
        for (const auto& v : view.violations) {
          fmt::print("- {}\n", util::quote_path(v.path));
        }
        fmt::print("To undo one, put it back as it was at the base (git checkout {} -- <path>, or git rm "
                   "<path> for a file that was not there) and commit that: the check accepts it. Or the "
                   "lead runs 'git wave repair {}', which rewrites your branch without them.\n",
                   git::short_oid(record->base), agent_name);
      }
      fmt::print("\n");
    }
  }

  // Why the last attempt of `git wave run` ended (a continuation agent).
  if (record_wave != nullptr) {
    const run::Attempt* last = nullptr;
    for (const auto& at : record_wave->attempts) {
      if (at.agent == agent_name && at.end != run::AttemptEnd::running) {
        last = &at; // the last one that ended (the one being briefed runs)
      }
    }
    if (last != nullptr && last->end != run::AttemptEnd::running && last->end != run::AttemptEnd::done) {
      const std::string_view reason = why_ended(last->end);
      fmt::print("## Why the previous attempt ended\n\n");
      fmt::print("This is attempt {}. Attempt {} ended because {}:\n\n", last->number + 1, last->number, reason);
      for (const auto& line : util::split(last->detail, '\n')) {
        fmt::print("    {}\n", line);
      }
      fmt::print("\nFix that first; keep what is right of the work above.\n\n");
    }
    // A person asked for this launch (git wave relaunch): their reason.
    const run::Attempt* briefed = nullptr;
    for (const auto& at : record_wave->attempts) {
      if (at.agent == agent_name) {
        briefed = &at;
      }
    }
    for (const auto& d : stored->state.actions) {
      if (d.kind == run::ActionKind::relaunch && d.agent == agent_name && d.wave == record_wave->label &&
          d.wave_started_at == record_wave->started_at && briefed != nullptr &&
          d.after_attempt == briefed->number - 1 && !d.reason.empty()) {
        fmt::print("## Why you are launched again\n\n");
        fmt::print("The lead asked for this attempt: {}\n\n", util::escape_control(d.reason));
      }
    }
  }

  // How to verify.
  fmt::print("## How to verify\n\n");
  if (!a.gate.empty()) {
    fmt::print("Run these in your worktree; they must pass:\n");
    bullet_list(a.gate);
  }
  if (!plan.gate.commands.empty()) {
    fmt::print("{}The lead then runs the wave's gate on everyone's work combined:\n",
               a.gate.empty() ? "" : "\n");
    bullet_list(plan.gate.commands);
    if (a.gate.empty()) {
      fmt::print("Run them in your worktree before you report.\n");
    }
  }
  if (a.gate.empty() && plan.gate.commands.empty()) {
    fmt::print(
        "The plan sets no checks: build and run the tests the way the project does before you report.\n");
  }
  fmt::print("\n");

  // How to commit.
  fmt::print("## How to commit\n\n");
  if (a.read_only()) {
    fmt::print("Do not commit: your branch must stay empty.\n");
  } else {
    fmt::print("Commit in your worktree, on branch {}, in small commits that each do one thing:\n\n", branch);
    fmt::print("    git add <your files> && git commit -m \"<what and why>\"\n\n");
    fmt::print(
        "{}: the gate checks every commit of the branch and would fail the whole wave. If the lead asked you "
        "to leave your work uncommitted, stop after "
        "verifying. When done, report to the lead: a summary of the change and the results of the checks.\n",
        hooked ? "Never bypass the pre-commit hook (--no-verify)"
               : "Never commit a file outside your patterns");
  }
  return exit_code::ok;
}

} // namespace wave::cmd
