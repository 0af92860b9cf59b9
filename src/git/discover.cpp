#include "git/discover.hpp"

#include "core/error.hpp"
#include "git/check.hpp"

namespace wave::git {

Repo discover() {
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, nullptr, GIT_REPOSITORY_OPEN_FROM_ENV, nullptr);
  if (rc == GIT_ENOTFOUND) {
    throw Error("not a git repository (or any of the parent directories)");
  }
  check(rc, "cannot open repository");
  return Repo(raw);
}

} // namespace wave::git
