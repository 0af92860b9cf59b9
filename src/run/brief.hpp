#pragma once

#include "plan/model.hpp"
#include "run/store.hpp"

#include <git2.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

// The brief handed to an agent: its task, the files it alone may change, the
// files it must not touch, the state of its base, how to verify and how to
// commit, the work already in its worktree and why its last attempt ended.
// Markdown text, the same for `git wave prompt`, `claim`, `join` and the
// briefs `git wave run` writes for the agents it launches.
namespace wave::run {

struct BriefInput {
  git_repository* repo = nullptr;
  const plan::Plan* plan = nullptr; // the run's recorded plan, or the plan of a run not started
  const Stored* stored = nullptr;   // the run, once it has started
  std::size_t agent = 0;            // index in plan->agents
  // The agent works in this worktree, not the one the run recorded (an
  // agent on another machine); empty: the recorded one.
  std::filesystem::path worktree;
};

// Reads what the brief says (the base's files, the agent's worktree and
// branch, its hook) and returns it. Throws wave::Error when the repository
// cannot be read.
std::string brief(const BriefInput& in);

// The brief of agent `agent` of run `run`, from the plan recorded for the
// run; `worktree` as in BriefInput. Throws wave::Error when there is no such
// run, its recorded plan is not valid or has no such agent.
std::string run_brief(git_repository* repo, const std::string& run, const std::string& agent,
                      const std::filesystem::path& worktree = {});

} // namespace wave::run
