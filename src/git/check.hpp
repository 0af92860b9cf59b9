#pragma once

#include "core/error.hpp"

#include <git2.h>

#include <optional>
#include <string>
#include <string_view>

namespace wave::git {

// Raised for an unexpected libgit2 failure: exit 128 with libgit2's message.
class GitError : public Error {
public:
  GitError(std::string_view what, int rc);
  int rc() const noexcept { return m_rc; }

private:
  int m_rc;
};

// Turns a negative libgit2 return into a GitError naming what failed.
// Switch on expected codes (GIT_ENOTFOUND, ...) before calling this.
inline int check(int rc, std::string_view what) {
  if (rc < 0) {
    throw GitError(what, rc);
  }
  return rc;
}

std::string oid_str(const git_oid& oid);
git_oid oid_from(std::string_view hex);
// The id `hex` names (40 hex digits), or nullopt: for ids read from what
// another writer recorded.
std::optional<git_oid> parse_oid(std::string_view hex);
// The 7-digit abbreviation shown to people ("3f2a9c1"), of an id or its hex.
std::string short_oid(const git_oid& oid);
std::string short_oid(std::string_view hex);

} // namespace wave::git
