#include "git/check.hpp"

#include <fmt/format.h>

namespace wave::git {

namespace {
std::string message(std::string_view what, int rc) {
  const git_error* e = git_error_last();
  if (e != nullptr && e->message != nullptr && *e->message != '\0') {
    return fmt::format("{}: {}", what, e->message);
  }
  return fmt::format("{}: libgit2 error {}", what, rc);
}
} // namespace

GitError::GitError(std::string_view what, int rc) : Error(message(what, rc)), m_rc(rc) {}

std::string short_oid(const git_oid& oid) {
  return oid_str(oid).substr(0, 7);
}

std::string short_oid(std::string_view hex) {
  return std::string(hex.substr(0, 7));
}

std::string oid_str(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

git_oid oid_from(std::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) < 0) {
    throw Error(fmt::format("invalid object id '{}'", hex));
  }
  return oid;
}

std::optional<git_oid> parse_oid(std::string_view hex) {
  git_oid oid{};
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return oid;
}

} // namespace wave::git
