#include "run/inspect.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
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

char status_letter(unsigned flags) {
  if ((flags & GIT_STATUS_CONFLICTED) != 0) {
    return 'U';
  }
  if ((flags & GIT_STATUS_WT_NEW) != 0 && (flags & GIT_STATUS_INDEX_NEW) == 0) {
    return '?';
  }
  if ((flags & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED)) != 0) {
    return 'D';
  }
  if ((flags & GIT_STATUS_INDEX_NEW) != 0) {
    return 'A';
  }
  if ((flags & (GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_TYPECHANGE)) != 0) {
    return 'T';
  }
  return 'M';
}

std::vector<PathChange> worktree_changes(const std::string& worktree) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, worktree.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    git_error_clear();
    return {};
  }
  const git::Repo repo(raw);
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  git_status_list* list_raw = nullptr;
  git::check(git_status_list_new(&list_raw, repo.get(), &opts),
             fmt::format("cannot read the status of '{}'", worktree));
  const git::StatusList list(list_raw);
  git_index* raw_index = nullptr;
  git::check(git_repository_index(&raw_index, repo.get()), fmt::format("cannot read the index of '{}'", worktree));
  const git::Index index(raw_index);
  std::vector<PathChange> out;
  const std::size_t n = git_status_list_entrycount(list.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    const git_diff_delta* d = e->head_to_index != nullptr ? e->head_to_index : e->index_to_workdir;
    if (d == nullptr) {
      continue;
    }
    const char* path = d->new_file.path != nullptr ? d->new_file.path : d->old_file.path;
    if (e->status == GIT_STATUS_WT_DELETED) {
      // Left out by a sparse checkout (skip-worktree), not deleted.
      const git_index_entry* entry = git_index_get_bypath(index.get(), path, 0);
      if (entry != nullptr && (entry->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0) {
        continue;
      }
    }
    out.push_back({status_letter(e->status), path});
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
