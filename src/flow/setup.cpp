#include "flow/setup.hpp"

#include "core/error.hpp"
#include "git/worktree.hpp"
#include "util/file.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <thread>

namespace wave::flow {

namespace fs = std::filesystem;

namespace {

// Copies `entry` (a path relative to the work tree root) from the main
// worktree into the agent's; returns an error text or empty.
std::string copy_entry(const std::string& entry, const SetupContext& c) {
  const fs::path from = c.main_root / entry;
  const fs::path to = c.worktree / entry;
  std::error_code ec;
  const auto st = fs::symlink_status(from, ec);
  if (!fs::exists(st)) {
    return fmt::format("cannot copy '{}': it is not in the main worktree '{}'", entry, c.main_root.string());
  }
  fs::create_directories(to.parent_path(), ec);
  if (ec) {
    return fmt::format("cannot copy '{}': {}", entry, ec.message());
  }
  if (fs::is_directory(st)) {
    fs::copy(from, to,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing |
                 fs::copy_options::copy_symlinks,
             ec);
  } else if (fs::is_symlink(st)) {
    fs::remove(to, ec);
    fs::copy_symlink(from, to, ec);
  } else {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  }
  if (ec) {
    return fmt::format("cannot copy '{}': {}", entry, ec.message());
  }
  return {};
}

// The size of the log now, so that a command's own output can be told from
// what was there before it.
std::size_t log_size(const fs::path& log) {
  std::error_code ec;
  const auto size = fs::file_size(log, ec);
  return ec ? 0 : static_cast<std::size_t>(size);
}

// 0..100 ms, different for each worktree and attempt.
int jitter(const fs::path& worktree, int attempt) {
  return static_cast<int>(
      (std::hash<std::string>{}(worktree.string()) + static_cast<std::size_t>(attempt) * 7919U) % 101U);
}

} // namespace

bool config_locked(std::string_view output) {
  return output.find("could not lock config file") != std::string_view::npos;
}

std::optional<std::chrono::milliseconds> config_lock_retry(int attempt, std::string_view output,
                                                           int jitter_ms) {
  constexpr int attempts = 5;
  if (attempt >= attempts || !config_locked(output)) {
    return std::nullopt;
  }
  return std::chrono::milliseconds((100 << (attempt - 1)) + std::clamp(jitter_ms, 0, 100));
}

void log_line(const fs::path& log, std::string_view line) {
  std::error_code ec;
  fs::create_directories(log.parent_path(), ec);
  std::ofstream out(log, std::ios::app);
  out << line << '\n';
}

SetupOutcome run_setup(const plan::Plan& plan, const plan::Agent& agent, const SetupContext& c) {
  std::vector<std::string> copies = plan.copy;
  copies.insert(copies.end(), agent.copy.begin(), agent.copy.end());
  for (const auto& entry : copies) {
    log_line(c.log, fmt::format("$ copy {}", entry));
    if (auto error = copy_entry(entry, c); !error.empty()) {
      log_line(c.log, error);
      return {false, error};
    }
  }

  std::vector<std::string> commands = plan.setup;
  commands.insert(commands.end(), agent.setup.begin(), agent.setup.end());
  for (const auto& command : commands) {
    log_line(c.log, fmt::format("$ {}", command));
    util::ProcessOptions o;
    o.command = command;
    o.unset = git::outer_git_variables();
    o.cwd = c.worktree;
    o.log = c.log;
    o.timeout = c.timeout;
    o.env = {{"WAVE_RUN", c.run},       {"WAVE_WAVE", c.wave}, {"WAVE_AGENT", agent.name},
             {"WAVE_BRANCH", c.branch}, {"WAVE_BASE", c.base}, {"WAVE_WORKTREE", c.worktree.string()}};
    for (int attempt = 1;; ++attempt) {
      const std::size_t logged = log_size(c.log);
      const auto result = util::run_process(o);
      const std::string output = util::read_file(c.log).value_or("");
      const std::string_view own = std::string_view(output).substr(std::min(logged, output.size()));
      const auto delay = result.timed_out || result.stalled || util::stop_requested()
                             ? std::nullopt
                             : config_lock_retry(attempt, own, jitter(c.worktree, attempt));
      if (result.ok() && !config_locked(own)) {
        break;
      }
      if (!delay) {
        const auto error =
            result.ok()
                ? fmt::format("setup command '{}' found git's config file locked, {} times", command, attempt)
                : fmt::format("setup command '{}' failed ({})", command, result.describe());
        log_line(c.log, error);
        return {false, error, !result.timed_out && !result.stalled && !util::stop_requested()};
      }
      log_line(c.log,
               fmt::format("git's config file was locked (another setup writing it): '{}' again in {} ms",
                           command, delay->count()));
      std::this_thread::sleep_for(*delay);
    }
  }
  return {};
}

} // namespace wave::flow
