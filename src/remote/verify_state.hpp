#pragma once

#include "remote/remote.hpp"
#include "run/store.hpp"

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

// A run's state fetched from a remote is written by whoever can push there,
// agents included: before this clone acts on one (takes it, runs a gate
// command it records, lands a candidate), it is verified against what only
// leads can change (design: "Trust: believe nothing an agent can write").
//
// - The plan is the one bound at start: byte for byte this clone's own
//   record of it when there is one (and the same plan commit and path), and
//   in every case the plan as committed at the state's plan_commit (at its
//   plan_path; a state older than that field: some file of that commit's
//   tree), a commit of the integration branch this clone trusts.
// - The record only goes forward: the fetched state descends from the last
//   state this clone accepted from that remote or published there (its
//   `seen` mark), and shares history with this clone's own record.
namespace wave::flow {

struct StateCheck {
  std::string run;
  std::string remote;
  git_oid fetched{};                 // the remote's state commit
  const run::Stored* here = nullptr; // this clone's record of the run, if any
  std::optional<git_oid> seen;       // the remote's state this clone last accepted or published
  std::vector<git_oid> integration;  // tips of the integration branch this clone trusts
};

// Every problem of the fetched state, one phrase each, to follow "the state
// of run 'x' on 'origin' ...": e.g. "records another plan than the one bound
// at start: agent 'a' owns ** instead of a/**". Empty: verified. Only reads.
std::vector<std::string> verify_state(git_repository* repo, const StateCheck& check);

// "refs/wave-seen/<remote>/<run>": this clone's mark of the remote's state it
// last accepted or published (never fetched into: only this clone writes it).
std::string seen_ref(const std::string& remote, const std::string& run);

// Sets the mark, best effort (no compare-and-swap: the caller just verified
// or published `oid`; a failed update is ignored, leaving the last mark).
void mark_seen(git_repository* repo, const std::string& remote, const std::string& run, const git_oid& oid);

// The tips of `integration` this clone trusts: its own branch, and the
// remote's as fetched when that is a fast-forward of it (or there is no
// branch here yet).
std::vector<git_oid> trusted_integration(git_repository* repo, const std::string& remote,
                                         const std::string& integration);

// Verifies the state `remote` fetched (nothing when it has none) and marks
// it seen. Throws Error (exit 128) naming the run, the remote and what is
// wrong, with hints to inspect and restore it; nothing here is changed then.
void require_verified(git_repository* repo, const RemoteRun& remote);

// The same for a state fetched into `fetched` outside a RemoteRun (join,
// claim, audit), with `integration` when this clone has no record.
void require_verified(git_repository* repo, const std::string& remote, const std::string& run,
                      const git_oid& fetched);

} // namespace wave::flow
