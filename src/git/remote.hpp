#pragma once

#include "git/cli.hpp"

#include <filesystem>
#include <string>
#include <vector>

// Talking to a remote, always through the git program, so that the user's
// SSH keys, credential helpers, URL rewrites and transport configuration
// work unchanged.
namespace wave::git {

// Throws Error (with a hint listing the remotes there are) when `remote` is
// not a remote of the repository at `cwd`.
void require_remote(const std::filesystem::path& cwd, const std::string& remote);

// `git fetch --no-tags [--prune] <remote> <refspec>...`. Throws Error with
// git's own words when it fails.
void fetch(const std::filesystem::path& cwd, const std::string& remote,
           const std::vector<std::string>& refspecs, bool prune = false);

// A push's outcome: ok, or rejected (git's words), never half (`--atomic`
// is always given).
struct PushResult {
  bool ok = false;
  std::string output;

  // The line of git's output that says why the push was refused: a server's
  // "remote: error: ..." (its hook, its lock), else the first rejected ref
  // ("wave/x/a: [rejected] (stale info)"), else the whole output.
  std::string why() const;
};

// `git push --atomic --porcelain [--force-with-lease=<lease>]... <remote>
// <refspec>...`. A rejection is a result, not an error; only a push that
// could not be attempted at all (no such remote) throws.
PushResult push(const std::filesystem::path& cwd, const std::string& remote,
                const std::vector<std::string>& refspecs, const std::vector<std::string>& leases = {});

} // namespace wave::git
