#include "util/process.hpp"

#include "core/error.hpp"
#include "util/duration.hpp"
#include "util/file.hpp"
#include "util/watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace wave::util {

namespace {

using Clock = std::chrono::steady_clock;

// The process groups being run, for kill_process_groups().
std::mutex g_groups_mutex;
std::set<pid_t> g_groups;
std::atomic<bool> g_stopping{false};
// Foreign starts under way (ForeignGroup), and their end, under the mutex.
int g_foreign_starting = 0;
std::condition_variable g_foreign_started;

// A group in g_groups, put there by whoever forked it while holding the
// mutex (so that no group starts unseen by a stop), removed when done.
struct Registered {
  pid_t pgid;
  explicit Registered(pid_t p) : pgid(p) {}
  Registered(const Registered&) = delete;
  Registered& operator=(const Registered&) = delete;
  ~Registered() {
    const std::lock_guard lock(g_groups_mutex);
    g_groups.erase(pgid);
  }
};

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  void reset() {
    if (fd >= 0) {
      ::close(fd);
    }
    fd = -1;
  }
};

std::vector<std::string> build_env(const ProcessOptions& o) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    bool replaced = std::find(o.unset.begin(), o.unset.end(), key) != o.unset.end();
    for (const auto& [k, v] : o.env) {
      if (k == key) {
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : o.env) {
    out.push_back(k + "=" + v);
  }
  return out;
}

// The file execvp() in the child would run for `name`: `name` itself when it
// holds a '/', else the first executable regular file of that name in the
// child's PATH, a relative entry (or an empty one, ".") read from the child's
// directory. Looked up before fork(), where allocating is still allowed;
// throws when there is none, rather than let execve() take a bare name as a
// file in the child's directory.
std::string find_program(const ProcessOptions& o) {
  const std::string& name = o.argv.front();
  if (name.find('/') != std::string::npos) {
    return name;
  }
  const char* inherited = std::getenv("PATH");
  std::string path = inherited != nullptr ? inherited : "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [key, value] : o.env) {
    if (key == "PATH") {
      path = value;
    }
  }
  std::string_view dirs = path;
  while (true) {
    const auto colon = dirs.find(':');
    const std::filesystem::path dir(dirs.substr(0, colon).empty() ? "." : dirs.substr(0, colon));
    std::error_code ec;
    const auto candidate = std::filesystem::absolute(dir.is_relative() ? o.cwd / dir : dir, ec) / name;
    struct stat st {};
    if (!ec && ::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
    if (colon == std::string_view::npos) {
      throw Error(fmt::format("cannot run '{}': not found in PATH", name));
    }
    dirs.remove_prefix(colon + 1);
  }
}

// What execve() in a forked child gets, all of it allocated before fork():
// the program (found in PATH, or /bin/sh for a command), argv and envp.
struct Exec {
  explicit Exec(const ProcessOptions& o)
      : env(build_env(o)), program(o.argv.empty() ? std::string("/bin/sh") : find_program(o)) {
    for (const auto& e : env) {
      envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
    if (o.argv.empty()) {
      argv = {"/bin/sh", "-c", o.command.c_str()};
    } else {
      for (const auto& a : o.argv) {
        argv.push_back(a.c_str());
      }
    }
    argv.push_back(nullptr);
  }
  std::vector<std::string> env;
  std::string program;
  std::vector<char*> envp;
  std::vector<const char*> argv;
};

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

} // namespace

std::string ProcessResult::describe() const {
  if (timed_out) {
    return fmt::format("timed out after {}", format_duration(elapsed));
  }
  if (stalled) {
    return fmt::format("stalled: killed after {} without output or change", format_duration(elapsed));
  }
  if (!ended.empty()) {
    return fmt::format("ended after {}: {}", format_duration(elapsed), ended);
  }
  if (signal != 0) {
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  }
  return fmt::format("exit {}", exit_code);
}

ProcessResult run_process(const ProcessOptions& o) {
  if (stop_requested() && !o.allow_during_stop) {
    throw Error("interrupted: not starting '" + (o.argv.empty() ? o.command : o.argv.front()) + "'");
  }
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    throw Error(fmt::format("cannot create pipe: {}", std::strerror(errno)));
  }
  Fd read_end(pipefd[0]);
  Fd write_end(pipefd[1]);

  Fd log_fd;
  if (!o.log.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.log.parent_path(), ec);
    log_fd.fd = ::open(o.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd.fd < 0) {
      throw Error(fmt::format("cannot open log '{}': {}", o.log.string(), std::strerror(errno)));
    }
  }

  const Exec exec(o);
  const auto& envp = exec.envp;
  const auto& argv = exec.argv;
  const std::string& program = exec.program;
  const std::string cwd = o.cwd.string();

  Fd stdin_fd;
  if (!o.stdin_file.empty()) {
    stdin_fd.fd = ::open(o.stdin_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (stdin_fd.fd < 0) {
      throw Error(fmt::format("cannot open '{}': {}", o.stdin_file.string(), std::strerror(errno)));
    }
  }
  const int in_fd = stdin_fd.fd;
  const int pass_fd = o.inherit_fd;
  const bool direct = o.direct_log && log_fd.fd >= 0;
  const int out_fd = direct ? log_fd.fd : pipefd[1];

  const auto start = Clock::now();
  // Forked and registered under the registry's mutex, after one more look
  // at the stop flag: a signal's sweep (kill_process_groups) sees every
  // group that could have started before it.
  std::unique_lock forking(g_groups_mutex);
  if (g_stopping && !o.allow_during_stop) {
    throw Error("interrupted: not starting '" + (o.argv.empty() ? o.command : o.argv.front()) + "'");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(
        fmt::format("cannot start '{}': {}", o.argv.empty() ? o.command : program, std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: own process group so a timeout can kill everything it started.
    ::setpgid(0, 0);
    // No signal blocked, whatever thread forked it: a SIGTERM (a timeout,
    // a gate stopping one a killed run left) must reach the command.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int input = in_fd >= 0 ? in_fd : ::open("/dev/null", O_RDONLY);
    if (input >= 0) {
      ::dup2(input, 0);
    }
    ::dup2(out_fd, 1);
    ::dup2(o.stderr_fd >= 0 ? o.stderr_fd : out_fd, 2);
    if (pass_fd >= 0) {
      if (pass_fd == 3) {
        ::fcntl(3, F_SETFD, 0); // keep it across exec
      } else {
        ::dup2(pass_fd, 3);
      }
    }
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      // Only async-signal-safe calls after fork(): no allocation here.
      constexpr char msg[] = "git-wave: cannot change to the step's directory: ";
      write_all(2, msg, sizeof msg - 1);
      write_all(2, cwd.c_str(), cwd.size());
      write_all(2, "\n", 1);
      ::_exit(127);
    }
    ::execve(program.c_str(), const_cast<char* const*>(argv.data()), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid); // also in the parent, to close the race with kill()
  g_groups.insert(pid);
  forking.unlock();
  const Registered registered(pid);
  if (o.on_started) {
    o.on_started(static_cast<int>(pid));
  }
  write_end.reset();
  if (direct) {
    read_end.reset();
  }
  std::pair<off_t, long> logged{0, 0}; // the direct log's size and time, when last seen
  if (struct stat st {}; direct && ::fstat(log_fd.fd, &st) == 0) {
    logged = {st.st_size, st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec};
  }

  ProcessResult result;
  WatchLimits limits;
  limits.timeout = o.timeout;
  limits.idle_timeout = o.idle_timeout;
  limits.quiet_after = o.on_quiet ? o.quiet_after : std::nullopt;
  limits.kill_grace = o.kill_grace;
  Watcher watch(limits, start);
  // Stops the whole group (SIGTERM; SIGKILL after the grace), as `flag`.
  const auto stop = [&](bool& flag, Clock::time_point now) {
    flag = true;
    ::kill(-pid, SIGTERM);
    watch.stopping(now);
  };
  // Ends the group when end_if says so (once).
  bool ask_end = static_cast<bool>(o.end_if);
  const auto end_if = [&](Clock::time_point now) {
    if (!ask_end) {
      return;
    }
    if (auto why = o.end_if()) {
      ask_end = false;
      result.ended = std::move(*why);
      bool ended = false;
      stop(ended, now);
    }
  };
  end_if(Clock::now());
  char buf[65536];
  bool open = true;
  while (open) {
    const auto now = Clock::now();
    const WatchDue due = watch.due(now);
    if (due == WatchDue::kill) {
      ::kill(-pid, SIGKILL);
      break; // the group is gone; grandchildren holding the pipe are killed too
    }
    if (due == WatchDue::timed_out) {
      stop(result.timed_out, now);
      continue;
    }
    if (due == WatchDue::idle) {
      if (const auto ago = o.active ? o.active() : std::nullopt; ago && *ago < *o.idle_timeout) {
        watch.sign_of_life(now - *ago); // the idle clock runs from that act
      } else {
        stop(result.stalled, now);
      }
      continue;
    }
    if (due == WatchDue::quiet) {
      o.on_quiet(watch.quiet_for(now));
    }
    const auto waiting = watch.wait(now);
    const int wait_ms = waiting ? static_cast<int>(waiting->count()) : -1;
    if (direct) {
      // Nothing to read: look at the leader and the log's size now and then.
      siginfo_t done{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &done, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          done.si_pid == pid) {
        break;
      }
      ::usleep(static_cast<useconds_t>((wait_ms < 0 ? 100 : std::clamp(wait_ms, 1, 100)) * 1000));
      // Its size, or its time: a capped log (util/log_cap) is rewritten
      // in place at the same size.
      struct stat st {};
      const int rc = ::fstat(log_fd.fd, &st);
      const std::pair<off_t, long> stamp{st.st_size, st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec};
      if (rc == 0 && stamp != logged) {
        logged = stamp;
        watch.sign_of_life(Clock::now());
        end_if(Clock::now());
      }
      continue;
    }
    pollfd p{read_end.fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, wait_ms);
    if (rc < 0 && errno != EINTR) {
      break;
    }
    if (rc <= 0) {
      continue;
    }
    const auto n = ::read(read_end.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      open = false;
      break;
    }
    if (log_fd.fd >= 0) {
      write_all(log_fd.fd, buf, static_cast<std::size_t>(n));
    }
    if (o.echo) {
      write_all(2, buf, static_cast<std::size_t>(n));
    }
    if (o.capture != nullptr) {
      o.capture->append(buf, static_cast<std::size_t>(n));
    }
    if (o.on_output) {
      o.on_output(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    watch.sign_of_life(Clock::now());
    end_if(Clock::now());
  }

  // The leader has exited (or is about to): wait for it without reaping, so
  // that its pid, and so the group id, stay ours while whatever the command
  // left running in its group is killed.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

void spawn_detached(const ProcessOptions& o) {
  const Exec exec(o);
  const auto& envp = exec.envp;
  const auto& argv = exec.argv;
  const std::string& program = exec.program;
  const std::string cwd = o.cwd.string();
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(fmt::format("cannot start '{}': {}", program, std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls after fork(). A session of its own, and
    // a second fork so that init, not us, reaps it.
    ::setsid();
    if (::fork() != 0) {
      ::_exit(0);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    if (::close_range(3, ~0U, 0) != 0) {
      for (int fd = 3; fd < 1024; ++fd) {
        ::close(fd);
      }
    }
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      ::_exit(127);
    }
    ::execve(program.c_str(), const_cast<char* const*>(argv.data()), envp.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

void request_stop() noexcept {
  const std::lock_guard lock(g_groups_mutex);
  g_stopping = true;
}

bool stop_requested() noexcept {
  return g_stopping;
}

ForeignGroup::ForeignGroup(const std::function<int()>& start) {
  {
    const std::lock_guard lock(g_groups_mutex);
    if (g_stopping) {
      throw Error("interrupted: not starting an agent's window");
    }
    ++g_foreign_starting;
  }
  auto started = [&](int pgid) {
    const std::lock_guard lock(g_groups_mutex);
    if (pgid > 0) {
      g_groups.insert(static_cast<pid_t>(pgid));
    }
    --g_foreign_starting;
    g_foreign_started.notify_all();
  };
  try {
    m_pgid = start();
  } catch (...) {
    started(0);
    throw;
  }
  started(m_pgid);
}

ForeignGroup::~ForeignGroup() {
  if (m_pgid > 0) {
    const std::lock_guard lock(g_groups_mutex);
    g_groups.erase(static_cast<pid_t>(m_pgid));
  }
}

void kill_process_groups(int sig) {
  std::unique_lock lock(g_groups_mutex);
  g_foreign_started.wait_for(lock, std::chrono::seconds(5), [] { return g_foreign_starting == 0; });
  for (const pid_t pgid : g_groups) {
    ::kill(-pgid, sig);
  }
}

std::string tail_lines(const std::filesystem::path& file, std::size_t lines) {
  const std::string content = read_file(file).value_or(std::string());
  std::size_t pos = content.size();
  if (pos > 0 && content[pos - 1] == '\n') {
    --pos;
  }
  std::size_t count = 0;
  while (pos > 0) {
    --pos;
    if (content[pos] == '\n' && ++count == lines) {
      return content.substr(pos + 1);
    }
  }
  return content;
}

} // namespace wave::util
