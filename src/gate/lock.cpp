#include "gate/lock.hpp"

#include "core/error.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace wave::gate {

namespace fs = std::filesystem;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) {
    return "";
  }
  return buf;
}

bool process_alive(long long pid, const std::string& host) {
  if (host != host_name()) {
    return true;
  }
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

RunLock::RunLock(git_repository* repo, const std::string& run, const std::string& name, const std::string& what) {
  m_path = git::common_dir(repo) / "wave" / run / (name + ".lock");
  std::error_code ec;
  fs::create_directories(m_path.parent_path(), ec);
  for (int attempt = 0;; ++attempt) {
    const int fd = ::open(m_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const std::string owner = fmt::format("{} {}\n", ::getpid(), host_name());
      const auto written = ::write(fd, owner.data(), owner.size());
      ::close(fd);
      if (written != static_cast<ssize_t>(owner.size())) {
        fs::remove(m_path, ec);
        throw Error(fmt::format("cannot write '{}': {}", m_path.string(), std::strerror(errno)));
      }
      return;
    }
    if (errno != EEXIST) {
      throw Error(fmt::format("cannot create '{}': {}", m_path.string(), std::strerror(errno)));
    }
    long long pid = 0;
    std::string host;
    std::ifstream(m_path) >> pid >> host;
    if (attempt < 3 && pid > 0 && !process_alive(pid, host)) {
      fs::remove(m_path, ec); // left by a process that is gone
      continue;
    }
    if (attempt < 3 && pid == 0) {
      ::usleep(50000); // being written this very moment
      continue;
    }
    m_path.clear();
    throw Error(fmt::format("another git wave {} is running on run '{}' (process {} on {})", what, run, pid,
                            host.empty() ? "?" : host),
                exit_code::fatal, {"wait for it to finish"});
  }
}

RunLock::~RunLock() {
  if (!m_path.empty()) {
    std::error_code ec;
    fs::remove(m_path, ec);
  }
}

} // namespace wave::gate
