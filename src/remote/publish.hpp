#pragma once

#include "core/error.hpp"
#include "flow/start_wave.hpp"
#include "remote/remote.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <optional>
#include <string>

// Publishing a run kept on a remote (remote/remote.hpp): what this clone
// recorded goes there in one atomic push leased at what was fetched; a
// merge lands there the same way; a start publishes its wave.
namespace wave::flow {

struct Published {
  bool ok = true;
  bool pushed = false; // something was pushed (else nothing was missing there)
  std::string output;  // git's words on a refusal
};

// Pushes, in one atomic push, what this clone recorded that the remote
// lacks: the run's state; the branches of a wave just started (still at
// their base); the candidate of a wave's last gate (so that another machine
// has the commit it may land); the integration branch of a wave recorded as merged, from the
// tip the gate tested to the gated candidate; the deletion of a merged
// wave's branches still at their gated tips; new archives. Every ref is
// leased at the value `remote` fetched. `remote` is updated on success.
Published publish(git_repository* repo, RemoteRun& remote);

// The remote refused a landing: it holds another record of the run than
// this clone's (fetched again to say what moved).
struct LandRefused : Error {
  using Error::Error;
};

// Lands merge `w`, just recorded here, on the remote: publish() moves the
// integration branch, the state and the wave's branches at once. When the
// remote refuses, throws LandRefused (exit 1) saying what moved there since
// the gate; `remote` is then fetched again. Any other failure (the remote
// cannot be reached) throws Error.
void land(git_repository* repo, RemoteRun& remote, const run::WaveRun& w);

// The remote a start's run is kept on: `remote` (--remote, else the one the
// run names here, see cli::remote_of), else the `remote` of the committed
// plan; nothing when there is none.
std::optional<RemoteRun> remote_for_start(const StartPlace& place, const std::string& remote);

// After a start with a remote: the wave's branches and the run's state go
// there in one atomic push; true when something was pushed. Throws Error
// with git's words when refused.
bool publish_start(git_repository* repo, RemoteRun& remote);

} // namespace wave::flow
