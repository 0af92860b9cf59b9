#include "gate/gate_lock.hpp"

#include "core/error.hpp"
#include "git/repo.hpp"
#include "run/state.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace wave::gate {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// What a holder wrote in the file.
struct Record {
  long pid = 0;   // the owner: the git wave that took it
  long group = 0; // the step's process group, 0 between steps
  std::string command;
  std::string where;
  std::string since;
  std::string step;
};

Record read_record(int fd) {
  std::string text;
  char buf[4096];
  off_t at = 0;
  for (;;) {
    const auto n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) {
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  Record r;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const auto sp = line.find(' ');
    const auto key = line.substr(0, sp);
    const auto value = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (key == "pid") {
      r.pid = std::atol(std::string(value).c_str());
    } else if (key == "group") {
      r.group = std::atol(std::string(value).c_str());
    } else if (key == "command") {
      r.command = value;
    } else if (key == "where") {
      r.where = value;
    } else if (key == "since") {
      r.since = value;
    } else if (key == "step") {
      // The last line: the command may hold newlines of its own.
      r.step = std::string(value) + (rest.empty() ? "" : "\n" + std::string(rest));
      while (!r.step.empty() && r.step.back() == '\n') {
        r.step.pop_back();
      }
      break;
    }
  }
  return r;
}

struct Holder {
  long pid = 0;
  long group = 0;
};

std::optional<long> group_of(const std::string& pid) {
  std::string stat;
  char buf[1024];
  const int fd = ::open(("/proc/" + pid + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  const auto n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) {
    return std::nullopt;
  }
  stat.assign(buf, static_cast<std::size_t>(n));
  // "pid (comm) state ppid pgrp ...": comm may hold anything but ends at the last ')'.
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) {
    return std::nullopt;
  }
  long ppid = 0;
  long pgrp = 0;
  char state = 0;
  if (std::sscanf(stat.c_str() + paren + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) {
    return std::nullopt;
  }
  return pgrp;
}

// The processes (of ours, as /proc shows them) with `file` open.
std::vector<Holder> holders_of(const struct stat& file) {
  std::vector<Holder> out;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::error_code e;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", e)) {
      struct stat st {};
      if (::stat(fd.path().c_str(), &st) == 0 && st.st_dev == file.st_dev && st.st_ino == file.st_ino) {
        if (const auto group = group_of(pid)) {
          out.push_back({std::atol(pid.c_str()), *group});
        }
        break;
      }
    }
  }
  return out;
}

bool same_file(int fd, const fs::path& path) {
  struct stat a {};
  struct stat b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

std::string quoted_step(const Record& r) {
  return r.step.empty() ? std::string("a gate") : fmt::format("the gate step '{}'", r.step);
}

} // namespace

fs::path gate_lock_path(git_repository* repo, const std::string& run, const std::string& agent) {
  return git::common_dir(repo) / "wave" / run / "gates" /
         (agent.empty() ? std::string("scratch.lock") : "agent-" + agent + ".lock");
}

void stop_gates(git_repository* repo, const std::string& run) {
  const fs::path dir = gate_lock_path(repo, run, "").parent_path();
  std::error_code ec;
  std::vector<fs::path> locks;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".lock") {
      locks.push_back(entry.path());
    }
  }
  for (const auto& path : locks) {
    const GateLock lock(path, {}, "git wave", [](std::string_view) {});
  }
  fs::remove(dir, ec);
}

GateLock::GateLock(fs::path path, fs::path where, std::string command,
                   const std::function<void(std::string_view)>& tell)
    : m_path(std::move(path)), m_where(std::move(where)), m_command(std::move(command)) {
  std::error_code ec;
  fs::create_directories(m_path.parent_path(), ec);
  bool waiting_told = false;
  long stopping = 0; // the group being stopped
  Clock::time_point term_at;
  bool killed = false;
  for (;;) {
    const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw Error(fmt::format("cannot open '{}': {}", m_path.string(), std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      if (same_file(fd, m_path)) {
        m_fd = fd;
        break;
      }
      ::close(fd); // replaced meanwhile: lock the file now at the path
      continue;
    }
    struct stat st {};
    ::fstat(fd, &st);
    const Record r = read_record(fd);
    const auto holders = holders_of(st);
    bool owner = false;
    bool group = false;
    for (const auto& h : holders) {
      owner = owner || (r.pid > 0 && h.pid == r.pid && h.pid != static_cast<long>(::getpid()));
      group = group || (r.group > 0 && h.group == r.group);
    }
    if (owner) {
      if (!waiting_told) {
        tell(fmt::format("waiting for {} that {} (process {}) runs in '{}' since {}", quoted_step(r),
                         r.command, r.pid, r.where, r.since));
        waiting_told = true;
      }
    } else if (group) {
      const auto now = Clock::now();
      if (stopping != r.group) {
        tell(fmt::format("stopping {} that a killed {} (process {}) left running in '{}' since {} "
                         "(process group {}): nobody can record its result",
                         quoted_step(r), r.command, r.pid, r.where, r.since, r.group));
        ::kill(static_cast<pid_t>(-r.group), SIGTERM);
        stopping = r.group;
        term_at = now;
        killed = false;
      } else if (!killed && now - term_at > std::chrono::seconds(2)) {
        ::kill(static_cast<pid_t>(-r.group), SIGKILL);
        killed = true;
      }
    } else {
      // Neither the owner nor its step: a process that left the gate's
      // group (a daemon) keeps the file open. The gate is over.
      tell(fmt::format("the gate in '{}' is over, but process {} it left behind keeps its lock: not "
                       "waiting for it",
                       r.where, holders.empty() ? 0L : holders.front().pid));
      if (same_file(fd, m_path)) {
        ::unlink(m_path.c_str());
      }
    }
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  m_since = run::now_text();
  running(0, "");
}

GateLock::~GateLock() {
  // Removed before it is let go (an acquirer checks that the file it
  // locked is still at the path), so a finished gate leaves nothing.
  if (same_file(m_fd, m_path)) {
    ::unlink(m_path.c_str());
  }
  ::close(m_fd);
}

void GateLock::running(int pgid, std::string_view step) const {
  const std::string text = fmt::format("pid {}\ncommand {}\nwhere {}\nsince {}\ngroup {}\nstep {}\n",
                                       ::getpid(), m_command, m_where.string(), m_since, pgid, step);
  if (::ftruncate(m_fd, 0) == 0) {
    std::size_t at = 0;
    while (at < text.size()) {
      const auto n = ::pwrite(m_fd, text.data() + at, text.size() - at, static_cast<off_t>(at));
      if (n <= 0) {
        break;
      }
      at += static_cast<std::size_t>(n);
    }
  }
}

} // namespace wave::gate
