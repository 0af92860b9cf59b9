#pragma once

#include "cli/term.hpp"
#include "run/state.hpp"
#include "run/usage_log.hpp"
#include "runner/runner.hpp"

#include <git2.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

// What `git wave run` shows while it works. Elsewhere than on a terminal:
// a line per event. On a terminal: the events that matter as lines, and
// below them a block redrawn in place: a line per agent of the wave (state,
// attempt, elapsed, commits, files changed, what it spent (cost, turns,
// tokens, as its agent CLI reports them), the last line of its log) and
// the wave's gate steps as they end.
namespace wave::render {

// One agent's line of the live block.
struct AgentView {
  std::string name;
  std::string state; // queued, running, done, failed, timeout, stalled, ...
  int attempt = 0;   // 0: none yet
  std::chrono::seconds elapsed{0};
  int commits = -1; // -1: not known yet
  int files = -1;
  std::optional<run::Usage> spent; // what its attempts of the wave spent, the running one so far
  std::string last; // the last line of its log, control sequences removed
};

struct WaveView {
  std::string run;
  std::string label;
  std::chrono::seconds elapsed{0}; // since the wave started
  std::vector<AgentView> agents;
  std::vector<std::string> gate; // the gate steps ended so far, "audit a: pass"
};

// The live block's lines, each cli::fit to `width` columns.
std::vector<std::string> render(const WaveView& view, std::size_t width, const cli::Painter& paint);

// A log line made cli::fit for a terminal: colour and cursor sequences removed,
// other control characters escaped, surrounding blanks trimmed.
std::string printable_log_line(std::string_view line);

// The plain line of an event: "04:18:22 wave 1 a#2 exited: done: proven done".
std::string event_line(const flow::Event& e, const cli::Painter& paint);

class RunView {
public:
  // `repo_dir`: the repository's git dir, opened again by the view's own
  // thread (a libgit2 handle is not shared between threads).
  RunView(std::FILE* out, bool live, cli::Painter paint, std::filesystem::path repo_dir, std::string run);
  ~RunView();
  RunView(const RunView&) = delete;
  RunView& operator=(const RunView&) = delete;

  void event(const flow::Event& e);

  // Takes the block off the screen while something else writes to it (a
  // wave's start, the final message), and puts it back.
  void pause();
  void resume();

  // Stops redrawing; the block stays as last drawn. The destructor does it.
  void finish();

private:
  struct Stats {
    int files = -1;
    std::string key; // the attempt and state they were measured for
    std::string live_log;                // the running attempt's log, read as it grows
    std::unique_ptr<run::LogUsage> live; // what it spent so far
  };

  void tick();
  WaveView look();
  void measure(git_repository* repo, const run::AgentRun& agent, Stats& stats);
  void redraw_locked(const std::string& permanent);

  std::FILE* m_out;
  bool m_live;
  cli::Painter m_paint;
  std::filesystem::path m_repo_dir;
  std::string m_run;

  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  bool m_paused = false;
  WaveView m_view;                  // what the block shows (under m_mutex)
  std::vector<std::string> m_gate;  // gate steps of the wave being gated (under m_mutex)
  std::size_t m_drawn = 0;          // lines of the block on screen

  // The view thread's own: a worktree scan is paced so that it costs at
  // most about a tenth of the time.
  std::map<std::string, Stats> m_stats;
  std::size_t m_next_agent = 0;
  std::chrono::steady_clock::time_point m_next_measure{};
  std::thread m_ticker;
};

} // namespace wave::render
