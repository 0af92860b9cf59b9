#pragma once

#include "plan/model.hpp"
#include "run/state.hpp"

#include <git2.h>

#include <optional>
#include <string>

// A gate record names the candidate it passed; whoever can write the run's
// state (a remote's, an agent with push access) could name any commit. So
// what lands is rebuilt first: the recorded tips merged onto the recorded
// base in memory (gate/candidate), in the order and style of `plan` (the
// verified plan), and its trees and parents compared with the recorded
// candidate's; each branch is audited again against the plan's ownership.
namespace wave::gate {

// Why wave `w`'s recorded candidate is not the merge of its recorded tips
// onto its recorded base, or a branch changes what its agent does not own
// (one phrase), or nothing. Writes only unreferenced objects.
std::optional<std::string> rebuild_problem(git_repository* repo, const plan::Plan& plan,
                                           const run::State& state, const run::WaveRun& w);

} // namespace wave::gate
