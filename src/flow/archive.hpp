#pragma once

#include <git2.h>

#include <string>
#include <utility>
#include <vector>

// Keeping agents' commits reachable once their branches go (an aborted wave,
// squashed branches): one commit whose parents are the agents' tips, under
// refs/wave/<run>/archive/<label>-<n>, the way `git stash` keeps its
// commits. `git log <ref>^2` shows the second agent's work, and
// `git branch again <ref>^2` brings it back.
namespace wave::flow {

struct ArchiveEntry {
  std::string agent;
  git_oid commit{}; // its tip (or a commit of its uncommitted work on top)
};

struct Archive {
  std::string ref;                // empty when there was nothing to keep
  std::vector<ArchiveEntry> kept; // in parent order: kept[i] is <ref>^(i+1)
};

// "refs/wave/<run>/archive/<label>-<n>" with the first n (1, 2, ...) no ref
// has: chosen before anything is written, so that a command finishing after
// a kill writes the same one.
std::string next_archive_ref(git_repository* repo, const std::string& run, const std::string& label);

// Creates the archive `ref` for `entries` whose commit is not `base` (the
// wave's base: nothing of the agent's own to keep); the archive commit's
// tree is the base's tree, `why` starts its message ("abort wave 2"). An
// archive already at `ref` (written before a kill) is kept as it is. The
// ref stays empty when there is nothing to keep.
Archive archive(git_repository* repo, const std::string& ref, const std::string& run, const git_oid& base,
                const std::vector<ArchiveEntry>& entries, const std::string& why);

} // namespace wave::flow
