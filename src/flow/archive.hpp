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

// Creates the archive of wave `label` for `entries` whose commit is not
// `base` (the wave's base: nothing of the agent's own to keep), with the
// first free n (1, 2, ...). The archive commit's tree is the base's tree.
// `why` starts its message ("abort wave 2").
Archive archive(git_repository* repo, const std::string& run, const std::string& label, const git_oid& base,
                const std::vector<ArchiveEntry>& entries, const std::string& why);

} // namespace wave::flow
