#include "cli/progress.hpp"

#include "util/duration.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <unistd.h>

namespace wave::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t);
}

} // namespace

bool live_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return ::isatty(fd) != 0 && !ci_runner() && term != nullptr && std::string_view(term) != "dumb" && *term != '\0';
}

ProgressReporter::ProgressReporter(std::FILE* out, bool live, Painter paint)
    : m_out(out), m_live(live), m_paint(paint) {
  if (m_live) {
    m_ticker = std::thread([this] { tick(); });
  }
}

ProgressReporter::~ProgressReporter() {
  {
    const std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) {
    m_ticker.join();
  }
  const std::lock_guard lock(m_mutex);
  m_running.clear();
  if (m_live) {
    redraw_locked("");
  }
}

std::string ProgressReporter::label(const gate::Step& step) {
  std::string out = step.name;
  if (!step.agent.empty()) {
    out += " " + step.agent;
  }
  if (!step.command.empty() && step.name != "checkout" && step.name.find(" checkout") == std::string::npos) {
    out += ": " + step.command;
  }
  return out;
}

void ProgressReporter::step_started(const gate::Step& step) {
  const std::lock_guard lock(m_mutex);
  m_running.push_back({&step, label(step), Clock::now()});
  if (m_live) {
    redraw_locked("");
  } else if (!step.command.empty()) {
    fmt::print(m_out, "{:<8}{}\n", "start", m_running.back().label);
    std::fflush(m_out);
  }
}

void ProgressReporter::step_finished(const gate::Step& step, const gate::StepResult& result) {
  const std::lock_guard lock(m_mutex);
  for (auto it = m_running.begin(); it != m_running.end(); ++it) {
    if (it->step == &step) {
      m_running.erase(it);
      break;
    }
  }
  Color color = Color::green;
  if (result.status == gate::StepStatus::fail || result.status == gate::StepStatus::timeout) {
    color = Color::red;
  } else if (result.status == gate::StepStatus::skipped) {
    color = Color::dim;
  }
  const std::string status(gate::to_string(result.status));
  std::string line = fmt::format("{}{}", m_paint(color, status),
                                 std::string(status.size() < 8 ? 8 - status.size() : 1, ' '));
  line += label(step);
  if (result.status != gate::StepStatus::skipped) {
    line += fmt::format(" ({})", util::format_duration(result.duration));
  }
  if (!result.detail.empty()) {
    line += ": " + result.detail;
  }
  line += "\n";
  if (m_live) {
    redraw_locked(line);
  } else {
    std::fputs(line.c_str(), m_out);
    std::fflush(m_out);
  }
}

void ProgressReporter::note(std::string_view text) {
  const std::lock_guard lock(m_mutex);
  const std::string line = fmt::format("{}\n", text);
  if (m_live) {
    redraw_locked(line);
  } else {
    std::fputs(line.c_str(), m_out);
    std::fflush(m_out);
  }
}

void ProgressReporter::redraw_locked(const std::string& permanent) {
  std::string out;
  if (m_drawn > 0) {
    out += fmt::format("\x1b[{}F", m_drawn); // to the start of the live block
  }
  out += "\x1b[J"; // clear it
  out += permanent;
  const std::size_t width = terminal_width(m_out);
  for (const auto& r : m_running) {
    const std::string text =
        fmt::format("{:<8}{} {}", "running", r.label, util::format_duration(since(r.since)));
    out += m_paint(Color::dim, fit(text, width - 1)) + "\n";
  }
  m_drawn = m_running.size();
  std::fputs(out.c_str(), m_out);
  std::fflush(m_out);
}

void ProgressReporter::tick() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    m_wake.wait_for(lock, std::chrono::milliseconds(250));
    if (!m_stop && !m_running.empty()) {
      redraw_locked("");
    }
  }
}

} // namespace wave::cli
