#pragma once

#include <filesystem>
#include <string>
#include <vector>

// A run as it is on a remote, for the commands that work from any clone
// (join, claim, release): which run, and fetching its state and claims.
namespace wave::cli {

// `option` when given; else the only run `remote` has. Throws Error naming
// the runs there when there are none or several.
std::string remote_run(const std::filesystem::path& root, const std::string& remote,
                       const std::string& option);

// Fetches the run's state into refs/wave-remote/<remote>/<run>/state and
// takes it only verified (flow::require_verified: the plan bound at start,
// history only forward) and only forward (a state here that the remote does
// not have is an error, not overwritten), and mirrors its claims (those
// released there are removed here), with `also` (more refspecs, such as an
// agent's branch) in the same fetch.
void fetch_run(const std::filesystem::path& root, const std::string& remote, const std::string& run,
               const std::vector<std::string>& also = {});

} // namespace wave::cli
