#include "flow/trash.hpp"

#include "core/error.hpp"
#include "git/repo.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace wave::flow {

namespace fs = std::filesystem;

fs::path trash_dir(git_repository* repo) {
  return git::common_dir(repo) / "wave" / "trash";
}

bool move_to_trash(git_repository* repo, const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  const fs::path trash = trash_dir(repo);
  // A deleter removes the trash folder itself once it is empty: made again,
  // and the rename tried again, when it went in between.
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::error_code ec;
    fs::create_directories(trash, ec);
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    const fs::path target =
        trash / fmt::format("{}-{}-{}-{}", path.filename().string(), ::getpid(), stamp, counter++);
    if (std::rename(path.c_str(), target.c_str()) == 0) {
      return true;
    }
    if (errno != ENOENT || !fs::exists(path, ec)) {
      return false; // EXDEV (another file system), or anything else: deleted in place
    }
  }
  return false;
}

void empty_trash(git_repository* repo) {
  const fs::path trash = trash_dir(repo);
  std::error_code ec;
  if (!fs::exists(trash, ec)) {
    return;
  }
  util::ProcessOptions o;
  // flock(1) (util-linux) holds the lock while rm deletes: a test, or a
  // person, waits for the deletion with `flock <lock> true`.
  o.argv = {"flock", (trash.parent_path() / "trash.flock").string(), "rm", "-rf", "--", trash.string()};
  try {
    util::spawn_detached(o);
  } catch (const Error&) {
    // No flock(1) here, or no process to be had: deleted now, whatever was
    // done before this (a branch moved) stays done.
    fs::remove_all(trash, ec);
  }
}

} // namespace wave::flow
