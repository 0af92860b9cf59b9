#include "run/inspect.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/cli.hpp"
#include "git/repo.hpp"
#include "git/tree_diff.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace wave::run {

namespace {

// The letter of a `git status --porcelain` entry's XY code.
char status_letter(char x, char y) {
  if (x == 'U' || y == 'U' || (x == 'A' && y == 'A') || (x == 'D' && y == 'D')) {
    return 'U';
  }
  if (x == '?') {
    return '?';
  }
  if (x == 'D' || y == 'D') {
    return 'D';
  }
  if (x == 'A') {
    return 'A';
  }
  if (x == 'T' || y == 'T') {
    return 'T';
  }
  return 'M';
}

// What is uncommitted in the worktree, as git's own status sees it (its
// index preloaded in parallel, its untracked cache and fsmonitor where the
// repository has them). A file a sparse checkout left out is not deleted.
std::vector<PathChange> worktree_changes(const std::string& worktree) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(worktree) / ".git", ec)) {
    return {}; // not a worktree (git would look in the folders above)
  }
  const auto st =
      git::run_git_stdout(worktree, {"--no-optional-locks", "status", "--porcelain=v1", "-z",
                                     "--untracked-files=all", "--no-renames", "--ignore-submodules=all"});
  if (!st.ok()) {
    throw Error(fmt::format("cannot read the status of '{}': {}", worktree, st.errors));
  }
  std::vector<PathChange> out;
  for (const auto& entry : util::split(st.output, '\0')) {
    if (entry.size() > 3 && entry[2] == ' ') {
      out.push_back({status_letter(entry[0], entry[1]), entry.substr(3)});
    }
  }
  return out;
}

std::vector<PathChange> branch_changes(git_repository* repo, const std::string& base,
                                       const std::string& tip) {
  std::vector<PathChange> out;
  for (const auto& c : git::diff_commits(repo, git::oid_from(base), git::oid_from(tip))) {
    out.push_back({c.status(), c.path});
  }
  return out;
}

void add_violations(const plan::Plan& plan, const plan::Ownership& ownership, std::size_t agent,
                    const std::vector<PathChange>& changes, bool committed,
                    std::vector<AgentViolation>& out) {
  std::vector<std::string> paths;
  for (const auto& c : changes) {
    paths.push_back(c.path);
  }
  for (auto& v : ownership.violations(agent, paths)) {
    AgentViolation a;
    a.path = std::move(v.path);
    a.committed = committed;
    a.is_protected = v.is_protected;
    for (const auto i : v.owners) {
      a.owners.push_back(plan.agents[i].name);
    }
    out.push_back(std::move(a));
  }
}

} // namespace

AgentView inspect_agent(git_repository* repo, const plan::Plan& plan, const plan::Ownership& ownership,
                        std::size_t agent_index, const AgentRun& record) {
  AgentView view;
  if (const auto tip = git::resolve_commit(repo, "refs/heads/" + record.branch)) {
    view.tip = git::oid_str(*tip);
    const git_oid base = git::oid_from(record.base);
    std::size_t ahead = 0;
    std::size_t behind = 0;
    git::check(git_graph_ahead_behind(&ahead, &behind, repo, &*tip, &base),
               fmt::format("cannot count the commits of '{}'", record.branch));
    view.ahead = ahead;
    if (ahead > 0) {
      view.committed = branch_changes(repo, record.base, *view.tip);
    }
  }
  std::error_code ec;
  view.worktree_present = !record.worktree.empty() && std::filesystem::is_directory(record.worktree, ec);
  if (view.worktree_present) {
    view.uncommitted = worktree_changes(record.worktree);
  }
  add_violations(plan, ownership, agent_index, view.committed, true, view.violations);
  add_violations(plan, ownership, agent_index, view.uncommitted, false, view.violations);
  return view;
}

std::string resolve_run(git_repository* repo, const std::string& explicit_run,
                        const std::optional<std::string>& plan_name) {
  const auto runs = list_runs(repo);
  auto exists = [&](const std::string& name) {
    return std::find(runs.begin(), runs.end(), name) != runs.end();
  };
  if (!explicit_run.empty()) {
    if (!exists(explicit_run)) {
      std::vector<std::string> hints;
      if (auto best = util::nearest(explicit_run, runs)) {
        hints.push_back(fmt::format("did you mean '{}'?", *best));
      } else if (!runs.empty()) {
        hints.push_back(fmt::format("runs: {}", util::join(runs, ", ")));
      }
      throw Error(fmt::format("there is no run '{}'", explicit_run), exit_code::fatal, std::move(hints));
    }
    return explicit_run;
  }
  if (const auto branch = git::current_branch(repo)) {
    if (const auto agent = parse_agent_branch(*branch); agent && exists(agent->run)) {
      return agent->run;
    }
  }
  if (runs.size() == 1) {
    return runs.front();
  }
  if (runs.empty()) {
    throw Error("no run has started in this repository", exit_code::fatal,
                {"start the plan's first wave with 'git wave start'"});
  }
  if (plan_name && exists(*plan_name)) {
    return *plan_name;
  }
  throw Error(fmt::format("there are {} runs; say which with --run <name>", runs.size()), exit_code::fatal,
              {fmt::format("runs: {}", util::join(runs, ", "))});
}

} // namespace wave::run
