#pragma once

#include <git2.h>

#include <map>
#include <string>

// Small questions about refs and commits that fetching, syncing and
// publishing a run kept on a remote share (remote/remote).
namespace wave::flow::refs {

bool same(const git_oid& a, const git_oid& b);

// Does `later` contain `earlier` (equal, or a descendant of it)?
bool contains(git_repository* repo, const git_oid& later, const git_oid& earlier);

// The refs matching `glob`, name -> target.
std::map<std::string, git_oid> refs_matching(git_repository* repo, const std::string& glob);

// Does an archive of the run here keep `oid` (an abort or a repair put the
// branch's commits there)? Then a remote branch at `oid` can be replaced or
// deleted without losing anything.
bool archived(git_repository* repo, const std::string& run, const git_oid& oid);

} // namespace wave::flow::refs
