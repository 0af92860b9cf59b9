#pragma once

#include <git2.h>

#include <cstddef>
#include <string>
#include <vector>

// Rewriting an agent's branch without some of its paths (`git wave
// repair`): objects only, no ref moves. Deterministic: the same input gives
// the same commits, so a repair finished after a kill writes what the killed
// one would have.
namespace wave::flow {

struct Rewritten {
  git_oid tip{};
  std::size_t commits = 0; // commits replayed (new objects)
  std::size_t dropped = 0; // commits that changed nothing else, left out
};

// Replays the commits reachable from `tip` and from none of `hide` (oldest
// first), each with every path of `paths` set to its entry in the tree of
// `base` (removed where `base` has none). A commit with one parent that
// changed something and changes nothing once replayed is dropped; a commit
// unchanged by the replay (same tree, same parents) is kept as it is.
// Messages, authors and committers are kept.
Rewritten rewrite_without(git_repository* repo, const git_oid& tip, const std::vector<git_oid>& hide,
                          const git_oid& base, const std::vector<std::string>& paths);

} // namespace wave::flow
