#pragma once

#include "git/handle.hpp"
#include "plan/model.hpp"
#include "plan/ownership.hpp"

#include <string>
#include <vector>

// The ownership audit: the real guarantee behind the pre-commit hook, which
// `--no-verify` bypasses. Every path an agent's own commits touch is checked
// against the recorded plan's ownership: renames (delete + add), deletions,
// mode changes, symlinks and submodules included, and a foreign file added
// then reverted counts too, since both commits would land.
namespace wave::gate {

struct TouchedPath {
  std::string path;
  git_oid commit{}; // the first commit touching it; zero for uncommitted work
};

// What `tip` lands is measured from: `base` (the agent's base), and every
// merge base of `tip` with each of `onto` (what the branch is merged with:
// the integration tip, the other agents' tips). A 3-way merge applies the
// change from its merge base: a branch that took in newer history (a
// merge "-s ours" of main, a rebase onto it, another agent's branch)
// moves that base, and what it lands is measured from there.
std::vector<git_oid> landing_bases(git_repository* repo, const git_oid& tip, const git_oid& base,
                                   const std::vector<git_oid>& onto);

// The paths an agent's branch changes, by what would land: every commit
// reachable from `tip` and from neither `base` nor `onto`, each against its
// first parent (a merge changes whatever its other parents bring in:
// history from outside the branch is the agent's own change), and the net
// change from each of landing_bases() to `tip` (a tip moved back behind its
// base, or history that moves the merge base). Sorted by path, each once,
// with the first commit touching it (`tip` for a path only a net change
// shows).
std::vector<TouchedPath> branch_paths(git_repository* repo, const git_oid& tip, const git_oid& base,
                                      const std::vector<git_oid>& onto = {});

struct Finding {
  std::string agent;
  std::string path;
  git_oid commit{};                // zero for uncommitted work
  std::vector<std::string> owners; // who owns the path instead
  bool is_protected = false;
  // The agent owns the path, but on a file system that folds case and
  // Unicode normalisation it is one file with a path of `owners` (or a
  // protected one): 'SRC/Main.c' beside b's 'src/main.c'.
  bool alias = false;

  // "'src/x.cpp' is owned by 'b'", "'wave.toml' is protected",
  // "'tmp/x' is owned by no agent", "'WAVE.toml' is one file with a
  // protected path on macOS and Windows", then " (commit 1a2b3c4)" when
  // known.
  std::string describe() const;
};

// The findings for agent `agent_index` of `plan` touching `paths`: the
// paths it may not touch, then (unless the plan says case_sensitive) the
// paths it owns that a case- and normalisation-folding file system takes
// for another agent's or a protected one (plan/aliases.hpp).
std::vector<Finding> audit(const plan::Plan& plan, const plan::Ownership& ownership, std::size_t agent_index,
                           const std::vector<TouchedPath>& paths);

// Whether `path` has the same entry in `a` and `b` (object id and mode), or
// none in either. A null tree is the empty tree.
bool same_entry(git_tree* a, git_tree* b, const std::string& path);

// The way out for an agent that touched a foreign path (issue 10, item 7):
// a path its branch returns to its content at the wave's base is not a
// change of its branch, as long as nothing lands for it: `tip` (a commit's
// tree, or a worktree snapshot's) has it as every one of `bases` has it
// (landing_bases(): the recorded base alone is not where a merge measures
// from). Moves those findings from `findings` to the result, in order.
std::vector<Finding> take_restored(git_repository* repo, const std::vector<git_oid>& bases, git_tree* tip,
                                   std::vector<Finding>& findings);
std::vector<Finding> take_restored(git_repository* repo, const std::vector<git_oid>& bases,
                                   const git_oid& tip_commit, std::vector<Finding>& findings);

} // namespace wave::gate
