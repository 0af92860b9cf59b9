#pragma once

#include "core/error.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

// A run kept on a remote (the plan's `remote`, or --remote): the remote holds
// the run, and this clone is one of its machines. Under the run lock a
// command first fetches the run and brings this clone level with it (sync),
// and publishes what it changed with one atomic push whose leases are the
// values it fetched (remote/publish.hpp): the compare-and-swap of the
// integration branch, of the run's state and of the agents' branches
// happens on the server. Everything
// goes through the git program (git/remote.hpp).
//
// What this clone fetched is kept in tracking refs: the integration branch in
// refs/remotes/<remote>/<branch>, the agents' branches in
// refs/remotes/<remote>/wave/<run>/*, the run's own refs in
// refs/wave-remote/<remote>/<run>/*; the claims are mirrored into
// refs/wave/<run>/claims/* (as `git wave claim` does).
namespace wave::flow {

struct RemoteRun {
  std::string remote;
  std::string run;
  std::string integration;                   // branch name
  std::optional<git_oid> state;              // the remote's state commit
  std::optional<git_oid> integration_tip;    // the remote's integration branch
  std::map<std::string, git_oid> branches;   // agent -> the remote's wave/<run>/<agent>
  std::set<std::string> archives;            // the remote's refs/wave/<run>/archive/* (full names)
  std::map<std::string, git_oid> candidates; // wave label -> the remote's refs/wave/<run>/candidate/<label>
};

// Fetches run `run` from `remote`. With `integration` empty it is read from
// the run's state as fetched (a fresh clone knows nothing else). Throws
// Error when the remote cannot be reached or has no such branch.
RemoteRun fetch_remote(git_repository* repo, const std::string& remote, const std::string& run,
                       std::string integration);

struct Sync {
  std::vector<std::string> notes;    // what was brought along, published or dropped
  std::vector<std::string> problems; // what keeps a gate, merge or start from going on
};

// Brings this clone level with what `remote` fetched, under the run lock:
// - the run's state: fast-forwarded to the remote's; when only this clone
//   has moved it (a command killed before it published), published now;
//   when both moved, the remote's wins (whatever this clone recorded alone
//   had changed nothing there: its effects follow a publish);
// - the integration branch: fast-forwarded (its worktree follows with `git
//   merge --ff-only`); ahead of the remote or diverged is a problem;
// - the agents' branches of the run's open waves: created or fast-forwarded
//   (their worktrees follow); diverged is a problem. A branch ahead here is
//   an agent of this machine that has not pushed: it is gated as it is.
// May publish, so `remote` is updated with what it pushed.
Sync sync(git_repository* repo, RemoteRun& remote);

// For commands that only read: this clone's state ref moves to the
// remote's when that is a fast-forward, with a compare-and-swap (no run
// lock is taken; a command holding it wins). Returns whether it moved.
bool forward_state(git_repository* repo, const RemoteRun& remote);

// The state ref of this clone is set to the remote's (the remote wins), when
// it has one. For a refused publish, once the remote was fetched again.
void take_remote_state(git_repository* repo, const RemoteRun& remote);

} // namespace wave::flow
