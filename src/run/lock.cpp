#include "run/lock.hpp"

#include "core/error.hpp"
#include "git/repo.hpp"
#include "run/state.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace wave::run {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) {
    return "?";
  }
  return buf;
}

// What the holder wrote: "<command>\n<pid>\n<host>\n<since>\n".
std::string describe_holder(int fd) {
  char buf[512] = {};
  const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) {
    return "another git wave command holds its lock";
  }
  const auto lines = util::split(std::string_view(buf, static_cast<std::size_t>(n)), '\n');
  if (lines.size() < 4) {
    return "another git wave command holds its lock";
  }
  return fmt::format("{} holds its lock (process {} on {}, since {})", lines[0], lines[1], lines[2], lines[3]);
}

} // namespace

fs::path lock_path(git_repository* repo, std::string_view run) {
  return git::common_dir(repo) / "wave" / std::string(run) / "lock";
}

RunLock::RunLock(git_repository* repo, std::string_view run, std::string_view command,
                 std::chrono::milliseconds wait)
    : m_path(lock_path(repo, run)) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    std::error_code ec;
    fs::create_directories(m_path.parent_path(), ec);
    m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      if (errno == ENOENT) {
        continue; // its folder went with a holder that just let go
      }
      throw Error(fmt::format("cannot open the run lock '{}': {}", m_path.string(), std::strerror(errno)));
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) {
      // The holder before us removes the file as it lets go: ours must still
      // be the file at the path, else it is a lock nobody else will see.
      struct stat held {};
      struct stat named {};
      if (::fstat(m_fd, &held) == 0 && ::stat(m_path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
          held.st_dev == named.st_dev) {
        break;
      }
      ::close(m_fd);
      continue;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int saved = errno;
      ::close(m_fd);
      throw Error(fmt::format("cannot lock '{}': {}", m_path.string(), std::strerror(saved)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string holder = describe_holder(m_fd);
      ::close(m_fd);
      m_fd = -1;
      throw Error(fmt::format("run '{}' is busy: {}", run, holder), exit_code::fatal,
                  {"wait for it to finish, then run the command again; nothing was changed",
                   "'git wave status' reads the run without waiting"});
    }
    ::close(m_fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string who =
      fmt::format("git wave {}\n{}\n{}\n{}\n", command, ::getpid(), host_name(), now_text());
  if (::ftruncate(m_fd, 0) == 0) {
    (void)!::pwrite(m_fd, who.data(), who.size(), 0);
  }
}

RunLock::~RunLock() {
  if (m_fd >= 0) {
    // Removed while still held, so that a refused or finished command
    // leaves nothing behind (a waiter that opened it checks that it is
    // still the file at the path); a kill leaves the file, unlocked.
    std::error_code ec;
    fs::remove(m_path, ec);
    fs::remove(m_path.parent_path(), ec);                // only when empty
    fs::remove(m_path.parent_path().parent_path(), ec); // the same
    ::close(m_fd);
  }
}

std::optional<std::string> lock_holder(git_repository* repo, std::string_view run) {
  const fs::path path = lock_path(repo, run);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::optional<std::string> out;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    out = describe_holder(fd);
  }
  ::close(fd); // drops the shared lock, if it was taken
  return out;
}

std::vector<std::string> clear_ref_locks(git_repository* repo, std::string_view run) {
  std::vector<std::string> removed;
  const fs::path common = git::common_dir(repo);
  const fs::path dir = common / "refs" / "wave" / std::string(run);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return removed;
  }
  std::vector<fs::path> locks;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() == ".lock" && it->is_regular_file(ec)) {
      locks.push_back(it->path());
    }
  }
  for (const auto& lock : locks) {
    if (fs::remove(lock, ec)) {
      removed.push_back(lock.lexically_relative(common).generic_string());
    }
  }
  return removed;
}

bool is_spent_lock(const fs::path& ref_file, const fs::path& lock) {
  struct stat r {};
  struct stat l {};
  return ::stat(ref_file.c_str(), &r) == 0 && ::stat(lock.c_str(), &l) == 0 && r.st_ino == l.st_ino &&
         r.st_dev == l.st_dev;
}

fs::path ref_lock_path(git_repository* repo, std::string_view ref) {
  return git::common_dir(repo) / (std::string(ref) + ".lock");
}

} // namespace wave::run
