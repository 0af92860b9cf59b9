#include "git/index_swap.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/handle.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::git {

namespace fs = std::filesystem;

bool same_file(const fs::path& a, const fs::path& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_ino == sb.st_ino &&
         sa.st_dev == sb.st_dev;
}

fs::path lock_of(const fs::path& file) {
  return file.string() + ".lock";
}

void check_index_unlocked(const fs::path& index, const fs::path& worktree,
                          const std::vector<std::string>& more_hints) {
  std::error_code ec;
  if (fs::exists(lock_of(index), ec)) {
    std::vector<std::string> hints{
        "a git command is running in that worktree, or one was killed there",
        fmt::format("if none is running, remove the file: rm '{}'", lock_of(index).string())};
    hints.insert(hints.end(), more_hints.begin(), more_hints.end());
    throw Error(fmt::format("the index of worktree '{}' is locked: '{}' exists", worktree.string(),
                            lock_of(index).string()),
                exit_code::fatal, std::move(hints));
  }
}

void prepare_index(git_index* index, const fs::path& prepared) {
  std::error_code ec;
  fs::remove(prepared, ec);
  fs::remove(lock_of(prepared), ec);
  git_index* raw = nullptr;
  check(git_index_open(&raw, prepared.c_str()), "cannot make the worktree's next index");
  const Index next(raw);
  check(git_index_set_version(next.get(), git_index_version(index)), "cannot make the worktree's next index");
  const std::size_t n = git_index_entrycount(index);
  for (std::size_t i = 0; i < n; ++i) {
    check(git_index_add(next.get(), git_index_get_byindex(index, i)),
          "cannot make the worktree's next index");
  }
  check(git_index_write(next.get()), fmt::format("cannot write '{}'", prepared.string()));
}

void install_index(const fs::path& prepared, const fs::path& index, const fs::path& worktree,
                   const std::vector<std::string>& more_hints) {
  // git's own lock on the index, taken the way git takes it (fails when it
  // exists), holding the complete new index from its first instant.
  if (::link(prepared.c_str(), lock_of(index).c_str()) != 0) {
    const int saved = errno;
    if (saved == EEXIST) {
      check_index_unlocked(index, worktree, more_hints);
    }
    throw Error(fmt::format("cannot lock the index of '{}': {}", worktree.string(), std::strerror(saved)));
  }
  if (::rename(lock_of(index).c_str(), index.c_str()) != 0) {
    const int saved = errno;
    std::error_code ec;
    fs::remove(lock_of(index), ec);
    throw Error(fmt::format("cannot write the index of '{}': {}", worktree.string(), std::strerror(saved)));
  }
}

bool finish_index_install(const fs::path& prepared, const fs::path& index, const fs::path& worktree) {
  if (same_file(prepared, index)) {
    return true;
  }
  if (!same_file(prepared, lock_of(index))) {
    return false;
  }
  if (::rename(lock_of(index).c_str(), index.c_str()) != 0) {
    throw Error(fmt::format("cannot write the index of '{}': {}", worktree.string(), std::strerror(errno)));
  }
  return true;
}

} // namespace wave::git
