#include "cli/interrupt.hpp"

#include "util/process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

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
    util::request_stop(); // from here on nothing new starts
    util::kill_process_groups(SIGTERM);
    ::usleep(500 * 1000);
    util::kill_process_groups(SIGKILL);
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
