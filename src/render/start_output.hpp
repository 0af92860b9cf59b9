#pragma once

#include "cli/term.hpp"
#include "flow/start_wave.hpp"
#include "remote/remote.hpp"

#include <cstdio>

// What `git wave start` prints, also when `git wave run` starts a wave: its
// lines to `out` (stdout, or stderr where stdout carries JSON), warnings and
// errors to stderr.
namespace wave::render {

class StartPrinter : public flow::StartObserver {
public:
  // `launched`: git wave run launches the agents, so no "brief an agent" advice.
  StartPrinter(std::FILE* out, bool launched);

  // The colours of the lines to `out` (none until set: the repository's
  // configuration decides them, and it is read once the start has found it).
  void paint_with(cli::Painter paint) { m_paint = paint; }

  void plan_read(const plan::Diagnostics& diagnostics) override;
  void plan_differs(const flow::StartReport& report) override;
  void decided(const flow::StartReport& report) override;
  void agent_done(const flow::AgentSetup& setup) override;

  // The end of the start: complete, started already, ready; the agents
  // whose commits no hook checks; the setups that failed. Returns the
  // command's exit code (not satisfied when a setup failed).
  int finish(const flow::StartReport& report);

private:
  std::FILE* m_out;
  cli::Painter m_paint;
  bool m_launched;
};

// After flow::publish_start pushed: where agents elsewhere join (to stdout).
void print_published(const flow::RemoteRun& remote);

} // namespace wave::render
