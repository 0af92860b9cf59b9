#pragma once

#include "cli/term.hpp"
#include "gate/steps.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <string>
#include <thread>

// Showing gate steps as they run. On a terminal: a line per finished step
// and, below them, the steps running now with their elapsed time, redrawn
// in place. Elsewhere (a pipe, a log, TERM=dumb): plain lines, one when a
// command starts and one when any step ends.
namespace wave::cli {

class ProgressReporter : public gate::Reporter {
public:
  ProgressReporter(std::FILE* out, bool live, Painter paint);
  ~ProgressReporter() override;

  void step_started(const gate::Step& step) override;
  void step_finished(const gate::Step& step, const gate::StepResult& result) override;
  void note(std::string_view text) override;

  // "agent gate b: make test", as steps are shown.
  static std::string label(const gate::Step& step);

private:
  struct Running {
    const gate::Step* step;
    std::string label;
    std::chrono::steady_clock::time_point since;
  };

  void redraw_locked(const std::string& permanent);
  void tick();

  std::FILE* m_out;
  bool m_live;
  Painter m_paint;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::list<Running> m_running;
  std::size_t m_drawn = 0; // lines of the live block on screen
  std::thread m_ticker;
};

// Is `fd` a terminal where a live display makes sense (not TERM=dumb)?
bool live_terminal(int fd);

} // namespace wave::cli
