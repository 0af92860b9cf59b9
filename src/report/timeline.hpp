#pragma once

#include "plan/model.hpp"
#include "plan/schedule.hpp"
#include "run/usage.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// What a run's waves really bought: its times (recorded by `git wave run`,
// or read from commits for a run driven by hand) against the plan's
// theoretical speedup. Plain data and arithmetic: no git, no terminal.
namespace wave::report {

// Seconds since the run's origin (the start of its first wave): the run
// state records times to the second.
using Seconds = std::int64_t;

struct Span {
  Seconds start = 0;
  Seconds end = 0;
  Seconds length() const noexcept { return end > start ? end - start : 0; }
};

struct Attempt {
  int number = 1;
  Span span;
  std::string end; // how it ended, as the run state says: "done", "failed", ..., "running"
  std::optional<run::Usage> usage; // what it spent, as its agent CLI reported it
};

struct AgentTimeline {
  std::string name;
  std::vector<Attempt>
      attempts; // in order; for a run driven by hand one, from the wave's start to its last commit
  std::optional<Seconds> first_commit;
  std::optional<Seconds> last_commit;
};

struct WaveTimeline {
  std::string label;
  bool aborted = false;
  bool approximate = false; // attempts read from commit times, not recorded
  Seconds started = 0;
  std::vector<AgentTimeline> agents;
  std::optional<Span> gate; // its last gate
  bool gate_passed = false;
  std::vector<Span> earlier_gates; // gates before the last (failed, or before agents' new work)
  std::vector<Span> failed_gates;  // of its gates, those that failed (bisection included)
  std::optional<int> bisect_runs;  // gate runs its last gate's bisection took
  std::vector<Span> blocked;       // git wave run blocked, until it was run again
  std::optional<Span> merge;
};

// Something a person (or run on their behalf) did, at a moment of the run:
// "accept a: nothing to do", "a adopted as attempt 2", "plan amended".
struct Mark {
  Seconds at = 0;
  std::string wave; // or empty
  std::string what;
};

struct Timeline {
  std::string run;
  std::int64_t origin = 0;         // Unix time of second 0
  std::vector<WaveTimeline> waves; // in run order, aborted ones too
  std::vector<Mark> marks;         // in time order
  Seconds now = 0;                 // where attempts still running end
};

// Where the run's wall-clock time went: each second is counted once, by
// what ran then (a merge over a gate over agents).
struct Breakdown {
  Seconds working = 0; // an agent's attempt ran, one whose work was kept
  Seconds retries = 0; // only attempts whose work was redone ran
  Seconds gates = 0;   // gates that passed
  Seconds failed_gates = 0; // gates that failed, bisection included
  Seconds merges = 0;
  Seconds blocked = 0; // run blocked: waiting for a person
  Seconds idle = 0;    // in a wave, nothing ran: setup, the lead between steps
  Seconds between = 0; // a wave merged, the next not started: nothing ran
  Seconds aborted = 0; // in waves later thrown away
};

struct AgentReport {
  std::string name;
  std::vector<Attempt> attempts;
  std::vector<bool> redone; // per attempt: its work was not kept (a retry followed it)
  std::optional<Seconds> first_commit;
  std::optional<Seconds> last_commit;
  std::optional<Seconds> launched;
  std::optional<Seconds> exited; // its last attempt's end
  std::optional<Seconds> gated;  // the wave's passed gate
  std::optional<Seconds> merged;
  Seconds work = 0;               // every attempt
  Seconds retries = 0;            // attempts redone
  Seconds waiting = 0;            // done, waiting for the slowest agent of its wave
  std::optional<run::Usage> spent;      // every attempt, as the agent CLI reported it
  std::optional<run::Usage> spent_redone; // the attempts redone
  std::optional<double> estimate; // seconds, from the plan
  bool planned_critical = false;
  bool actual_critical = false;
  bool running = false; // an attempt still runs
};

struct WaveReport {
  std::string label;
  bool aborted = false;
  bool approximate = false;
  Seconds started = 0;
  Seconds end = 0; // merged, or where the run's record stops
  std::optional<Span> gate;
  bool gate_passed = false;
  std::vector<Span> earlier_gates;
  std::vector<Span> failed_gates;
  std::optional<int> bisect_runs;
  std::vector<Span> blocked;
  std::optional<Span> merge;
  std::vector<AgentReport> agents;
  Seconds slowest = 0; // the largest agent time
  Seconds running = 0; // while any of its agents ran
  Seconds serial = 0;  // running beyond `slowest`: agents not running in parallel
  std::optional<run::Usage> spent;
};

struct Speedups {
  double actual = 1;            // agent time / wall-clock
  double theoretical = 1;       // the plan's estimates, in waves
  double theoretical_eager = 1; // the plan's estimates, eagerly
  double waves = 1;             // actual durations, in waves (barriers included)
  double eager = 1;             // actual durations, each agent as soon as its dependencies were done
};

struct Report {
  std::string run;
  std::int64_t origin = 0;
  bool approximate = false; // some wave's times come from commits
  bool finished = false;    // every wave of the plan is merged
  bool running = false;     // an attempt still runs
  std::size_t plan_waves = 0;
  Seconds wall = 0;
  Seconds agent_time = 0; // every attempt of every agent, aborted waves left out
  Seconds waves_time = 0; // the waves with the actual durations: sum of their slowest agents
  Seconds eager_time = 0; // the longest chain of actual durations
  Seconds waiting = 0;    // agent time spent done, waiting for the slowest of the wave
  Seconds retries = 0;    // agent time of attempts redone
  Seconds serial = 0;     // wall-clock of agents not running in parallel
  Breakdown time;
  Speedups speedup;
  std::vector<std::string> planned_critical;
  std::vector<std::string> actual_critical;
  std::vector<WaveReport> waves;
  std::vector<Mark> marks;
  std::optional<run::Usage> spent;        // by every agent of the waves not aborted
  std::optional<run::Usage> spent_redone; // of it, by attempts redone
  // Why the actual speedup fell short of the theoretical one: sentences,
  // largest loss first.
  std::vector<std::string> lost;
};

Report analyse(const plan::Plan& plan, const plan::Schedule& schedule, const Timeline& timeline);

// "1h02m", "4m05s", "12s": durations of whole seconds.
std::string duration_text(Seconds s);

} // namespace wave::report
