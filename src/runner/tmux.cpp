#include "runner/tmux.hpp"

#include "core/error.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"
#include "util/watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <thread>

namespace wave::flow {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Tmux {
  bool ok = false;
  std::string out;
};

// `during_stop`: a step of starting a window that a stop waits for, or of
// undoing one (util::ForeignGroup).
Tmux tmux(const std::vector<std::string>& args, bool during_stop = false) {
  util::ProcessOptions o;
  o.allow_during_stop = during_stop;
  o.argv = {"tmux"};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  Tmux t;
  o.capture = &t.out;
  o.timeout = std::chrono::seconds(30);
  t.ok = util::run_process(o).ok();
  return t;
}

// The panes of the session's windows named `window`.
std::vector<std::string> panes_named(const std::string& session, const std::string& window) {
  const Tmux t = tmux({"list-panes", "-s", "-t", "=" + session, "-F", "#{pane_id} #{window_name}"});
  std::vector<std::string> out;
  if (!t.ok) {
    return out;
  }
  for (const auto& line : util::split(t.out, '\n')) {
    const auto space = line.find(' ');
    if (space != std::string::npos && line.substr(space + 1) == window) {
      out.push_back(line.substr(0, space));
    }
  }
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// `s` as tmux takes it literally where it expands formats (start
// directories, window names, pipe-pane's command): "#(cmd)" there runs
// cmd, "#{...}" is replaced. "##" is a '#'.
std::string tmux_literal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    out += c;
    if (c == '#') {
      out += '#';
    }
  }
  return out;
}

// The log's size and time: a capped log changes with no change of size.
std::pair<off_t, std::int64_t> size_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    return {0, 0};
  }
  return {st.st_size, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

// A pane's process is tmux's child, not ours: it may linger as a zombie
// until tmux reaps it, which is as good as gone.
bool alive(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) {
    return false;
  }
  const auto stat = util::read_file(fmt::format("/proc/{}/stat", pid));
  if (!stat) {
    return true;
  }
  const auto paren = stat->rfind(')');
  return paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] != 'Z';
}

} // namespace

std::string tmux_session(const std::string& run) {
  std::string out = "wave-" + run;
  for (auto& c : out) {
    if (c == '.' || c == ':') {
      c = '_';
    }
  }
  return out;
}

std::optional<std::string> tmux_pane_of(const std::string& session, const std::string& agent) {
  const auto panes = panes_named(session, agent);
  if (panes.empty()) {
    return std::nullopt;
  }
  return panes.front();
}

std::optional<std::string> tmux_missing() {
  for (const char* program : {"tmux", "flock"}) {
    util::ProcessOptions o;
    o.argv = {program, std::string_view(program) == "tmux" ? "-V" : "--version"};
    std::string ignored;
    o.capture = &ignored;
    if (!util::run_process(o).ok()) {
      return std::string(program);
    }
  }
  return std::nullopt;
}

util::ProcessResult run_in_tmux(const TmuxAttempt& a) {
  // The window starts as a placeholder, so that its log is piped before the
  // agent writes a byte; then the attempt replaces it in the same pane.
  // Agents start from several threads: the first makes the session, the
  // others add windows to it (two `new-session` at once: "duplicate
  // session"). Other commands of the run wait for the run lock.
  static std::mutex making;
  std::unique_lock made_lock(making);
  std::vector<std::string> make;
  if (tmux({"has-session", "-t", "=" + a.session}).ok) {
    for (const auto& pane : panes_named(a.session, a.window)) {
      tmux({"kill-pane", "-t", pane}); // the previous attempt's window, ended
    }
    make = {"new-window", "-d", "-t", "=" + a.session + ":", "-n", tmux_literal(a.window)};
  } else {
    make = {"new-session", "-d", "-s", a.session, "-n", tmux_literal(a.window), "-x", "200", "-y", "50"};
  }
  const std::string cwd = tmux_literal(a.cwd.string());
  for (const auto& s : {"-P", "-F", "#{pane_id}", "-c", cwd.c_str(), "sleep", "600"}) {
    make.emplace_back(s);
  }
  const Tmux made = tmux(make);
  made_lock.unlock();
  const std::string pane(util::trim(made.out));
  if (!made.ok || pane.empty() || pane[0] != '%') {
    throw Error(fmt::format("tmux cannot make a window for '{}': {}", a.window, util::trim(made.out)));
  }

  // Inside the window: take the agent lock (or end at once, 75, when an
  // attempt of a killed run still holds it), run, write the exit status.
  std::string unset;
  for (const auto& v : a.unset) {
    unset += " " + v;
  }
  const std::string script = fmt::format(
      "{}exec flock -n -E 75 \"$GIT_WAVE_AGENT_LOCK\" /bin/sh -c '"
      "(eval \"$GIT_WAVE_LAUNCH\") <\"$GIT_WAVE_BRIEF\"; s=$?; echo $s >\"$GIT_WAVE_EXIT_FILE\"; exit $s'",
      unset.empty() ? "" : "unset" + unset + "; ");
  std::vector<std::string> respawn = {"set-option",
                                      "-w",
                                      "-t",
                                      pane,
                                      "remain-on-exit",
                                      "on",
                                      ";",
                                      "pipe-pane",
                                      "-t",
                                      pane,
                                      "-o",
                                      tmux_literal(a.log_pipe.empty() ? "cat >>" + shell_quote(a.log.string()) : a.log_pipe),
                                      ";",
                                      "respawn-pane",
                                      "-k",
                                      "-t",
                                      pane,
                                      "-c",
                                      cwd};
  for (const auto& [key, value] : a.env) {
    respawn.push_back("-e");
    respawn.push_back(key + "=" + value);
  }
  respawn.push_back("-e");
  respawn.push_back("GIT_WAVE_AGENT_LOCK=" + a.lock.string());
  for (const auto& s : {"/bin/sh", "-c"}) {
    respawn.emplace_back(s);
  }
  respawn.push_back(script);
  // A signal to this command (Ctrl-C) reaches the pane's processes at once,
  // as it does the process groups this command forked: the pane's process
  // is registered before a stop can pass it by.
  Tmux started;
  const auto registered = [&] {
    try {
      return std::make_unique<const util::ForeignGroup>([&] {
        started = tmux(respawn, true);
        const Tmux pid_text = tmux({"display-message", "-p", "-t", pane, "#{pane_pid}"}, true);
        const int id = std::atoi(std::string(util::trim(pid_text.out)).c_str());
        return started.ok ? std::max(id, 0) : 0;
      });
    } catch (...) {
      tmux({"kill-pane", "-t", pane}, true);
      throw;
    }
  }();
  const pid_t pid = registered->pgid();
  if (pid <= 0) {
    tmux({"kill-pane", "-t", pane}, true);
    throw Error(fmt::format("tmux cannot start '{}' in its window: {}", a.window, util::trim(started.out)));
  }
  util::ProcessResult result;
  const auto start = Clock::now();
  util::WatchLimits limits;
  limits.timeout = a.timeout;
  limits.idle_timeout = a.idle_timeout;
  limits.quiet_after = a.on_quiet ? a.quiet_after : std::nullopt;
  limits.kill_grace = a.kill_grace;
  util::Watcher watch(limits, start);
  auto logged = size_of(a.log);
  bool asked_end = false; // end_if is asked once at the start, then as the log grows
  // Stops the pane's processes (SIGTERM; SIGKILL after the grace), as `flag`.
  auto stop = [&](bool* flag, Clock::time_point now) {
    if (flag != nullptr) {
      *flag = true;
    }
    ::kill(-pid, SIGTERM);
    watch.stopping(now);
  };
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto now = Clock::now();
    if (!alive(pid)) {
      break;
    }
    if (!watch.is_stopping() && ((a.cancel != nullptr && *a.cancel) || util::stop_requested())) {
      stop(nullptr, now);
      continue;
    }
    bool grew = false;
    if (const auto size = size_of(a.log); size != logged) {
      logged = size;
      watch.sign_of_life(now);
      grew = true;
    }
    if ((grew || !asked_end) && a.end_if && !watch.is_stopping()) {
      asked_end = true;
      if (auto why = a.end_if()) {
        result.ended = std::move(*why);
        stop(nullptr, now);
      }
    }
    switch (watch.due(now)) {
    case util::WatchDue::kill:
      ::kill(-pid, SIGKILL);
      break;
    case util::WatchDue::timed_out:
      stop(&result.timed_out, now);
      break;
    case util::WatchDue::idle:
      if (const auto ago = a.active ? a.active() : std::nullopt; ago && *ago < *a.idle_timeout) {
        watch.sign_of_life(now - *ago); // the idle clock runs from that act
      } else {
        stop(&result.stalled, now);
      }
      break;
    case util::WatchDue::quiet:
      a.on_quiet(watch.quiet_for(now));
      break;
    case util::WatchDue::nothing:
      break;
    }
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  const auto code = [&]() -> std::optional<int> {
    std::FILE* f = std::fopen(a.exit_file.c_str(), "r");
    if (f == nullptr) {
      return std::nullopt;
    }
    int value = -1;
    const bool read = std::fscanf(f, "%d", &value) == 1;
    std::fclose(f);
    return read ? std::optional(value) : std::nullopt;
  }();
  if (code) {
    result.exit_code = *code;
  } else if (!watch.is_stopping()) {
    // No status written: the lock was held (75), or the window was killed.
    const Tmux status = tmux({"display-message", "-p", "-t", pane, "#{pane_dead_status}"});
    const std::string text(util::trim(status.out));
    result.exit_code = status.ok && !text.empty() ? std::atoi(text.c_str()) : -1;
    if (result.exit_code == -1) {
      result.signal = SIGHUP; // its window was closed
    }
  } else {
    result.signal = SIGTERM;
  }
  return result;
}

} // namespace wave::flow
