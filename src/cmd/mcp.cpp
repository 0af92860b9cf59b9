#include "cmd/commands.hpp"

#include "cli/interrupt.hpp"
#include "core/exit.hpp"
#include "mcp/exec.hpp"
#include "mcp/framing.hpp"
#include "mcp/server.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <unistd.h>

namespace wave::cmd {

namespace {

// Writes one message a line on stdout, whole, from any thread.
class Writer {
public:
  void send(const mcp::Json& message) {
    // Output of commands is not always UTF-8: replaced, never thrown on.
    std::string line = message.dump(-1, ' ', false, mcp::Json::error_handler_t::replace);
    line += '\n';
    const std::lock_guard lock(m_mutex);
    std::string_view rest = line;
    while (!rest.empty() && !m_broken) {
      const ssize_t n = ::write(1, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        m_broken = true; // the client has gone; reading stdin tells us so too
        break;
      }
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }

private:
  std::mutex m_mutex;
  bool m_broken = false;
};

} // namespace

int mcp(const cli::Args& args) {
  cli::Parser parser(
      "mcp", "git wave mcp",
      "Serve the lead's tools (plan, owner, status, brief, start, gate, merge, abort, repair, run, "
      "report, logs) and the run's resources to an agent over the Model Context Protocol, on "
      "standard input and output, for the repository it runs in. Each call runs git wave itself, "
      "with the same locks, checks and messages; add it to an agent's MCP servers (see "
      "git-wave-mcp(1)).");
  parser.parse(args);

  // A client that went away must not kill the server by SIGPIPE while it
  // writes: the write fails instead. Blocked here, before any thread
  // starts, so every thread inherits it; commands start with no signal
  // blocked (util::run_process).
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  const cli::KillChildrenOnSignal stop_children;

  Writer writer;
  const auto send = [&writer](const mcp::Json& m) { writer.send(m); };
  mcp::Server* server_ptr = nullptr;
  mcp::Exec exec(std::filesystem::path("/proc/self/exe"),
                 [&server_ptr](std::string_view level, std::string_view logger, const mcp::Json& data) {
                   if (server_ptr != nullptr) {
                     server_ptr->log(level, logger, data);
                   }
                 });
  mcp::Server server(exec, send);
  server_ptr = &server;

  // A thread per call that takes time; those that ended are joined as new
  // ones start, the rest at the end.
  struct Job {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
  };
  std::list<Job> jobs;
  const auto handle = [&](const mcp::Frame& frame) {
    if (frame.oversized) {
      send(server.oversized(frame.size));
      return;
    }
    mcp::Server::Reply reply = server.handle(frame.text);
    if (reply.now) {
      send(*reply.now);
    }
    if (reply.later) {
      jobs.remove_if([](Job& job) {
        if (!job.done->load()) {
          return false;
        }
        job.thread.join();
        return true;
      });
      Job& job = jobs.emplace_back();
      job.thread = std::thread([&send, done = job.done, later = std::move(reply.later)] {
        if (auto answer = later()) {
          send(*answer);
        }
        done->store(true);
      });
    }
  };

  mcp::Framer framer;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    for (const auto& frame : framer.feed(std::string_view(buf, static_cast<std::size_t>(n)))) {
      handle(frame);
    }
  }
  for (const auto& frame : framer.finish()) {
    handle(frame);
  }
  // The client closed its end: what still runs for it is stopped (each
  // command as on Ctrl-C: it leaves a state its next run converges from).
  exec.shutdown();
  for (auto& job : jobs) {
    job.thread.join();
  }
  server_ptr = nullptr;
  return exit_code::ok;
}

} // namespace wave::cmd
