#pragma once

#include "gate/receive_roles.hpp"

#include <git2.h>

#include <string>
#include <vector>

// What a server checks before it takes a push (`git wave hook
// pre-receive`): the gate's ownership audit, moved to where nobody can skip
// it, and who may move which of a run's refs.
//
// Rules every server keeps, whoever pushes (leads too):
// - `refs/heads/wave/<run>/<agent>`: every commit of the branch since the
//   agent's base touches only paths the agent owns and no protected path,
//   by the plan the run recorded (from the run's state as this push leaves
//   it). A branch of a run the server does not know is refused. Deleted only
//   in a push that moves the run's state (a lead's merge or abort).
// - `refs/wave/<run>/state`: created, or moved forward (never rewound, never
//   deleted), to a commit that holds a readable state of that run and a
//   valid plan; a move keeps the recorded plan and integration branch as
//   they were (they are bound at start).
// - `refs/wave/<run>/claims/<agent>`: created or deleted, never moved, for an
//   agent of the run (so creating one is a lock on any server).
// - `refs/wave/<run>/archive/<name>`: created, never moved; deleted only with
//   a state move. `refs/wave/<run>/candidate/<label>`: deleted only with a
//   state move. Any other ref under `refs/wave/` is refused.
// - a run's integration branch, while the run has waves to land (always,
//   with `gated_only`): never deleted; moves only forward, and only to the
//   candidate of the wave whose merge the run's state records in this same
//   push (merged from the branch's tip to that candidate, its gate passed).
// With roles (`roles.configured()`): a lead pushes anything those rules let
// through; an agent only updates its own branches and creates or deletes its
// own claims; any other pusher nothing.
namespace wave::gate {

struct RefUpdate {
  git_oid old_id{};
  git_oid new_id{};
  std::string ref;
};

struct Refusal {
  std::string ref;
  std::string reason;               // one line
  std::vector<std::string> details; // e.g. one line per foreign path
  std::string hint;
};

struct ReceiveOptions {
  bool gated_only = false; // wave.receive.gatedOnly
  Roles roles;             // wave.receive.lead, wave.receive.agent
  Pusher pusher;           // who pushes (wave.receive.identityFrom)
  std::vector<std::string> identity_sources; // where the identity was looked for, for messages
};

// Reads pre-receive's standard input: "<old> <new> <ref>" lines. Throws
// wave::Error on a line that is not one.
std::vector<RefUpdate> parse_updates(const std::string& input);

// The refusals for a push of `updates` into `repo` (opened so that it sees
// the pushed objects: GIT_QUARANTINE_PATH's). Empty: take it.
std::vector<Refusal> check_push(git_repository* repo, const std::vector<RefUpdate>& updates,
                                const ReceiveOptions& options);

} // namespace wave::gate
