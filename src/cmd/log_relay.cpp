// git wave --log-relay: not a command for people. `git wave run` pipes an
// agent's output through it into the attempt's log, capped (util/log_cap).
// It is started in the agent's process group and so outlives a killed run
// with the agent: it reads until every writer is gone, then exits. SIGTERM,
// SIGINT and SIGHUP (a timeout, Ctrl-C: sent to the whole group) only make
// it bring the file level at once; it goes on reading what the agent says
// while it stops.
#include "cmd/commands.hpp"

#include "core/error.hpp"
#include "util/log_cap.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wave::cmd {

namespace {

volatile std::sig_atomic_t g_signalled = 0;

extern "C" void on_stop_signal(int) {
  g_signalled = 1;
}

} // namespace

int log_relay(const cli::Args& args) {
  // --log-relay <cap bytes> <file>
  if (args.size() != 2) {
    throw UsageError("usage: git wave --log-relay <cap> <file> (internal: used by git wave run)");
  }
  const auto cap = util::parse_size(args[0]);
  if (!cap) {
    throw UsageError(fmt::format("invalid cap '{}'", args[0]));
  }
  const int fd = ::open(args[1].c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(fmt::format("cannot open '{}': {}", args[1], std::strerror(errno)));
  }
  struct stat st {};
  ::fstat(fd, &st);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  ::sigemptyset(&sa.sa_mask);
  for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
    ::sigaction(sig, &sa, nullptr);
  }
  util::CappedLog log(fd, *cap, static_cast<std::uint64_t>(st.st_size));
  using Clock = std::chrono::steady_clock;
  auto flushed = Clock::now();
  char buf[65536];
  while (true) {
    pollfd p{0, POLLIN, 0};
    const int rc = ::poll(&p, 1, 500);
    if (g_signalled != 0 || rc == 0 || Clock::now() - flushed > std::chrono::milliseconds(500)) {
      log.flush();
      flushed = Clock::now();
      g_signalled = 0;
    }
    if (rc <= 0) {
      continue; // nothing yet, or a signal
    }
    const auto n = ::read(0, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    log.write(std::string_view(buf, static_cast<std::size_t>(n)));
  }
  log.flush();
  ::close(fd);
  return exit_code::ok;
}

} // namespace wave::cmd
