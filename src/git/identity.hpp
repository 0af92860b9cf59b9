#pragma once

#include "git/handle.hpp"

#include <filesystem>
#include <optional>
#include <string>

// Who signs the commits git wave makes, by git's own rules: `git var
// GIT_AUTHOR_IDENT` / `GIT_COMMITTER_IDENT` in the repository, so the
// GIT_AUTHOR_* and GIT_COMMITTER_* variables (dates included), EMAIL, then
// user.*, author.* and committer.* config count exactly as for `git commit`.
// CI systems that set only the variables just work.
namespace wave::git {

enum class Role { author, committer };

// The identity git would use in `dir` (a work tree or a git dir), or nullopt
// when git has none; then `why` (when given) holds git's last line.
std::optional<Signature> identity(const std::filesystem::path& dir, Role role, std::string* why = nullptr);

// The same, or throws wave::Error "cannot commit: no committer identity"
// with git's words and how to set one.
Signature require_identity(const std::filesystem::path& dir, Role role);

// The committer git would use in `dir`, as "Name <email>" (who decided, in
// the run's records), or empty when git has none.
std::string committer(const std::filesystem::path& dir);

// For commits that record git wave's own bookkeeping (run state, archives):
// git's identity when it has one, else "git wave <git-wave@localhost>".
Signature bookkeeping_identity(const std::filesystem::path& dir);

} // namespace wave::git
