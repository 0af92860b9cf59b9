#include "cli/interrupt.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace wave::cli {

namespace {

constexpr std::array signals{SIGINT, SIGTERM, SIGHUP};
int g_pipe[2] = {-1, -1};

extern "C" void on_signal(int sig) {
  const int saved = errno;
  const auto byte = static_cast<unsigned char>(sig);
  (void)!::write(g_pipe[1], &byte, 1);
  errno = saved;
}

// Our direct children, from /proc/<pid>/stat.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return out;
  }
  const pid_t self = ::getpid();
  while (const dirent* e = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') {
      continue;
    }
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream rest(stat.substr(close + 1));
    char state = 0;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == self) {
      out.push_back(static_cast<pid_t>(pid));
    }
  }
  ::closedir(proc);
  return out;
}

void signal_groups(const std::vector<pid_t>& pids, int sig) {
  for (const pid_t pid : pids) {
    ::kill(::getpgid(pid) == pid ? -pid : pid, sig);
  }
}

} // namespace

KillChildrenOnSignal::KillChildrenOnSignal() {
  if (::pipe2(g_pipe, O_CLOEXEC) != 0) {
    return;
  }
  for (const int sig : signals) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (old.sa_handler == SIG_IGN) {
      continue; // ignored by whoever started us (nohup, a background job): leave it so
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
  m_watcher = std::thread([] {
    unsigned char byte = 0;
    while (::read(g_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte == 0) {
      return; // the guard is going away
    }
    const auto pids = children();
    signal_groups(pids, SIGTERM);
    ::usleep(500 * 1000);
    signal_groups(pids, SIGKILL);
    const int sig = byte;
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  });
}

KillChildrenOnSignal::~KillChildrenOnSignal() {
  if (g_pipe[1] < 0) {
    return;
  }
  for (const int sig : signals) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (old.sa_handler == on_signal) {
      ::signal(sig, SIG_DFL);
    }
  }
  const unsigned char stop = 0;
  (void)!::write(g_pipe[1], &stop, 1);
  if (m_watcher.joinable()) {
    m_watcher.join();
  }
  ::close(g_pipe[0]);
  ::close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

} // namespace wave::cli
