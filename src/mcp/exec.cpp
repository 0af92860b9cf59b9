#include "mcp/exec.hpp"

#include "core/error.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/mman.h>
#include <unistd.h>

namespace wave::mcp {

namespace {

// An anonymous file for a command's stderr: read whole once it exited, with
// no pipe to drain meanwhile.
class Scratch {
public:
  Scratch() : m_fd(::memfd_create("git-wave-stderr", MFD_CLOEXEC)) {
    if (m_fd < 0) {
      throw Error("cannot create a file for a command's messages");
    }
  }
  ~Scratch() { ::close(m_fd); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  int fd() const { return m_fd; }
  std::string read() const {
    std::string text;
    char buf[65536];
    ssize_t n = 0;
    off_t at = 0;
    while ((n = ::pread(m_fd, buf, sizeof buf, at)) > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      at += n;
    }
    return text;
  }

private:
  int m_fd;
};

// A temporary file name, removed with this.
class TempPath {
public:
  TempPath() {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/git-wave-mcp-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      throw Error("cannot create a temporary file");
    }
    ::close(fd);
    m_path = pattern;
  }
  ~TempPath() {
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

Json parsed(const std::string& out) {
  Json j = Json::parse(out, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

std::string level_of(const Json& event) {
  const std::string type = event.value("event", "");
  if (type == "blocked") {
    return "error";
  }
  return event.value("ok", true) ? "info" : "warning";
}

void progress(const CallContext& context, double done, const std::string& message) {
  if (context.progress_token.is_null() || !context.notify) {
    return;
  }
  context.notify(Json{{"jsonrpc", "2.0"},
                      {"method", "notifications/progress"},
                      {"params", Json{{"progressToken", context.progress_token},
                                      {"progress", done},
                                      {"total", 1},
                                      {"message", message}}}});
}

std::string summary_of(const std::string& command, const Outcome& o) {
  if (o.exit_code == 0) {
    return fmt::format("git wave {}: done", command);
  }
  return fmt::format("git wave {}: failed ({})", command, o.description);
}

// The key of the background run's command among the calls' (whose keys
// are JSON ids: a number, or a string in quotes).
const std::string run_key = "run";

} // namespace

Exec::Exec(std::filesystem::path self, Log log) : m_self(std::move(self)), m_log(std::move(log)) {}

Exec::~Exec() {
  shutdown();
}

Outcome Exec::command(const std::vector<std::string>& args, const std::string& key,
                      const std::function<void(std::string_view)>& on_line) {
  Scratch err;
  std::string out;
  std::string pending; // an unfinished line, for on_line
  util::ProcessOptions o;
  o.argv.push_back(m_self.string());
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = {{"NO_COLOR", "1"}};
  o.capture = &out;
  o.stderr_fd = err.fd();
  o.kill_grace = std::chrono::milliseconds(5000);
  if (on_line) {
    o.on_output = [&](std::string_view chunk) {
      pending.append(chunk);
      std::size_t nl = 0;
      while ((nl = pending.find('\n')) != std::string::npos) {
        on_line(std::string_view(pending).substr(0, nl));
        pending.erase(0, nl + 1);
      }
    };
  }
  if (!key.empty()) {
    o.on_started = [&](int group) {
      const std::lock_guard lock(m_mutex);
      m_groups[key] = group;
      if (m_closing) {
        ::kill(-group, SIGTERM);
      }
    };
  }
  util::ProcessResult r;
  try {
    r = util::run_process(o);
  } catch (...) {
    const std::lock_guard lock(m_mutex);
    m_groups.erase(key);
    throw;
  }
  {
    // Forgotten as soon as it is reaped: a cancel after this kills nothing.
    const std::lock_guard lock(m_mutex);
    m_groups.erase(key);
  }
  if (on_line && !pending.empty()) {
    on_line(pending);
  }
  Outcome outcome;
  outcome.exit_code = r.signal != 0 ? -1 : r.exit_code;
  outcome.out = std::move(out);
  outcome.err = err.read();
  outcome.description = r.describe();
  return outcome;
}

void Exec::cancel(const Json& id) {
  const std::lock_guard lock(m_mutex);
  if (const auto it = m_groups.find(id.dump()); it != m_groups.end()) {
    ::kill(-it->second, SIGTERM);
  }
  m_changed.notify_all(); // a run tool waiting for the background run
}

void Exec::shutdown() {
  std::unique_lock lock(m_mutex);
  m_closing = true;
  for (const auto& [key, group] : m_groups) {
    ::kill(-group, SIGTERM);
  }
  m_changed.notify_all();
  lock.unlock();
  if (m_run.thread.joinable()) {
    m_run.thread.join();
  }
}

Json Exec::call_tool(const Tool& tool, const Json& arguments, const CallContext& context) {
  if (tool.name == "run") {
    return run_tool(arguments, context);
  }
  const std::string key = context.request_id.dump();
  const std::vector<std::string> args = command_args(tool, arguments);
  progress(context, 0, fmt::format("git wave {}", args.front()));
  const Outcome o = command(args, key);
  progress(context, 1, summary_of(args.front(), o));
  const std::string summary = summary_of(args.front(), o);
  if (tool.name == "brief") {
    return tool_result(
        o.exit_code == 0 ? o.out : summary,
        o.exit_code == 0 ? Json{{"agent", arguments.at("agent")}, {"brief", o.out}} : Json(nullptr), o);
  }
  if (tool.name == "logs") {
    if (o.exit_code != 0) {
      return tool_result(summary, nullptr, o);
    }
    if (arguments.value("list", false)) {
      return tool_result(o.out, Json{{"agent", arguments.at("agent")}, {"attempts", o.out}}, o);
    }
    const auto max = arguments.value("max_bytes", std::size_t{65536});
    const std::string log = tail_bytes(o.out, max);
    return tool_result(
        log,
        Json{{"agent", arguments.at("agent")},
             {"attempt", arguments.contains("attempt") ? arguments.at("attempt") : Json(nullptr)},
             {"log", log},
             {"truncated", log.size() != o.out.size()}},
        o);
  }
  if (tool.name == "start") {
    // start prints for people; what it did is the run's status, in the
    // shape the status tool has.
    if (o.exit_code != 0) {
      return tool_result(summary, nullptr, o);
    }
    const Outcome status = command({"status", "--json"}, key);
    Outcome reported = o;
    reported.err += status.err;
    return tool_result(summary + "\n" + o.out, status.exit_code == 0 ? parsed(status.out) : Json(nullptr),
                       reported);
  }
  Json structured = parsed(o.out);
  if (structured.is_array()) {
    structured = Json{{"paths", std::move(structured)}}; // owner's array
  }
  return tool_result(summary, structured, o);
}

Json Exec::run_state(std::size_t since) {
  Json events = Json::array();
  for (std::size_t i = since; i < m_run.events.size(); ++i) {
    events.push_back(m_run.events[i]);
  }
  Json state{{"running", m_run.running},
             {"command", m_run.args},
             {"next", m_run.events.size()},
             {"events", std::move(events)},
             {"exit_code", m_run.running ? Json(nullptr) : Json(m_run.outcome.exit_code)}};
  if (!m_run.running) {
    const Messages m = messages(m_run.outcome.err);
    state["errors"] = m.errors;
    state["hints"] = m.hints;
  }
  return state;
}

void Exec::stop_run(std::unique_lock<std::mutex>& lock) {
  if (const auto it = m_groups.find(run_key); it != m_groups.end()) {
    ::kill(-it->second, SIGTERM);
  }
  m_changed.wait(lock, [&] { return !m_run.running; });
}

Json Exec::run_tool(const Json& arguments, const CallContext& context) {
  std::unique_lock lock(m_mutex);
  if (arguments.value("stop", false)) {
    if (!m_run.launched) {
      return tool_error("no run was launched by this server", {"'status' shows a run launched elsewhere"});
    }
    stop_run(lock);
    const Json state = run_state(0);
    Outcome o = m_run.outcome;
    o.exit_code = 0;
    return tool_result("git wave run: stopped", state, o);
  }
  // The events from `since` on, once the run ended when `wait` asks so.
  const auto report = [&](std::size_t since) {
    if (arguments.value("wait", false)) {
      m_changed.wait(lock, [&] { return !m_run.running || context.cancelled->load() || m_closing; });
    }
    const Json state = run_state(std::min(since, m_run.events.size()));
    const bool failed = !m_run.running && m_run.outcome.exit_code != 0;
    Outcome o = m_run.outcome;
    o.exit_code = failed ? m_run.outcome.exit_code : 0;
    const std::string summary =
        m_run.running ? fmt::format("git wave run: running, {} events so far", m_run.events.size())
                      : summary_of("run", m_run.outcome);
    return tool_result(summary, state, o);
  };
  if (arguments.contains("since")) {
    if (!m_run.launched) {
      return tool_error(
          "no run was launched by this server",
          {"call 'run' without 'since' to launch one; 'status' shows a run launched elsewhere"});
    }
    return report(arguments.at("since").get<std::size_t>());
  }
  if (m_run.running) {
    return tool_error("a run launched by this server is still running",
                      {"call 'run' with 'since' to follow it, or with 'stop' to stop it"});
  }
  if (m_run.thread.joinable()) {
    m_run.thread.join(); // ended: its thread is done with
  }
  m_run.launched = true;
  m_run.running = true;
  m_run.events.clear();
  m_run.outcome = Outcome{};
  m_run.args = run_command(arguments);
  m_run.thread = std::thread([this] {
    Outcome o;
    try {
      o = command(m_run.args, run_key, [this](std::string_view line) {
        Json event = parsed(std::string(line));
        if (!event.is_object()) {
          return;
        }
        {
          const std::lock_guard guard(m_mutex);
          m_run.events.push_back(event);
          m_changed.notify_all();
        }
        m_log(level_of(event), "git-wave.run", event);
      });
    } catch (const std::exception& e) {
      o.exit_code = 128;
      o.err = fmt::format("error: {}\n", e.what());
      o.description = e.what();
    }
    // Told before anyone can see the run ended: a client that waited for
    // the end has had every notification of it first.
    const std::lock_guard guard(m_mutex);
    m_log(o.exit_code == 0 ? "info" : "warning", "git-wave.run",
          Json{{"event", "ended"}, {"exit_code", o.exit_code}, {"detail", o.description}});
    m_run.outcome = std::move(o);
    m_run.running = false;
    m_changed.notify_all();
  });
  if (arguments.value("wait", false)) {
    return report(0);
  }
  const Json state = run_state(0);
  return tool_result("git wave run: launched in the background; its events come as log notifications, "
                     "and 'run' with 'since' returns them",
                     state, Outcome{});
}

Json Exec::list_resources() {
  Json list = Json::array({
      Json{{"uri", "git-wave://plan"},
           {"name", "plan"},
           {"title", "The plan"},
           {"description",
            "the plan checked and explained: waves, critical path, overlaps (git wave plan --json)"},
           {"mimeType", "application/json"}},
      Json{{"uri", "git-wave://status"},
           {"name", "status"},
           {"title", "The run's state"},
           {"description", "where the run is, per agent of its current wave (git wave status --json)"},
           {"mimeType", "application/json"}},
      Json{{"uri", "git-wave://report"},
           {"name", "report"},
           {"title", "The report"},
           {"description", "what the waves bought, and every attempt on a timeline (git wave report --json)"},
           {"mimeType", "application/json"}},
      Json{{"uri", "git-wave://report.svg"},
           {"name", "report.svg"},
           {"title", "The report's timeline"},
           {"description", "the run's timeline as a picture (git wave report --svg)"},
           {"mimeType", "image/svg+xml"}},
  });
  const Outcome agents = command({"plan", "--list=agents"}, "");
  if (agents.exit_code == 0) {
    std::istringstream names(agents.out);
    for (std::string name; std::getline(names, name);) {
      if (name.empty()) {
        continue;
      }
      list.push_back(
          Json{{"uri", "git-wave://logs/" + name},
               {"name", "logs/" + name},
               {"title", "The log of " + name},
               {"description", "the output of " + name + "'s latest attempt under run (git wave logs)"},
               {"mimeType", "text/plain"}});
    }
  }
  return list;
}

Json Exec::read_resource(const std::string& uri) {
  std::vector<std::string> args;
  std::string mime = "application/json";
  std::optional<TempPath> svg;
  if (uri == "git-wave://plan") {
    args = {"plan", "--json"};
  } else if (uri == "git-wave://status") {
    args = {"status", "--json"};
  } else if (uri == "git-wave://report") {
    args = {"report", "--json"};
  } else if (uri == "git-wave://report.svg") {
    svg.emplace();
    args = {"report", "--json", "--svg=" + svg->path().string()};
    mime = "image/svg+xml";
  } else if (uri.starts_with("git-wave://logs/") && uri.size() > 16) {
    args = {"logs", "--", uri.substr(16)};
    mime = "text/plain";
  } else {
    throw RpcError{code::resource_not_found, fmt::format("resource not found: '{}'", uri),
                   Json{{"uri", uri}}};
  }
  const Outcome o = command(args, "");
  if (o.exit_code != 0) {
    const Messages m = messages(o.err);
    throw RpcError{
        code::resource_not_found,
        fmt::format("cannot read '{}': {}", uri, m.errors.empty() ? o.description : m.errors.front()),
        Json{{"uri", uri}, {"hints", m.hints}}};
  }
  std::string text = o.out;
  if (svg) {
    std::ifstream in(svg->path(), std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  return Json::array({Json{{"uri", uri}, {"mimeType", mime}, {"text", text}}});
}

} // namespace wave::mcp
