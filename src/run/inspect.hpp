#pragma once

#include "plan/model.hpp"
#include "plan/ownership.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

// What an agent has done so far, read from its branch and its worktree:
// for `git wave status` and for the brief of a continuation agent.
namespace wave::run {

struct PathChange {
  char status = 'M'; // A, D, M, T, U; '?' untracked
  std::string path;
};

struct AgentViolation {
  std::string path;
  bool committed = false;          // on the branch (since its base), or only in the worktree
  std::vector<std::string> owners; // agent names
  bool is_protected = false;
};

struct AgentView {
  std::optional<std::string> tip;    // the branch's tip; nullopt when the branch is gone
  std::size_t ahead = 0;             // commits on the branch since its base
  std::vector<PathChange> committed; // paths changed on the branch since its base
  bool worktree_present = false;
  std::vector<PathChange> uncommitted; // staged, unstaged and untracked (not ignored) changes
  std::vector<AgentViolation> violations;
};

// Looks at agent `agent_index` of `plan`, recorded as `record`.
AgentView inspect_agent(git_repository* repo, const plan::Plan& plan, const plan::Ownership& ownership,
                        std::size_t agent_index, const AgentRun& record);

// Which run a command is about: `explicit_run` when given; else the run of
// the current branch (wave/<run>/<agent>); else the only run there is; else
// the run named `plan_name` (the plan in the working tree), when it exists.
// Throws Error when there is no run, or several and nothing tells which.
std::string resolve_run(git_repository* repo, const std::string& explicit_run,
                        const std::optional<std::string>& plan_name);

} // namespace wave::run
