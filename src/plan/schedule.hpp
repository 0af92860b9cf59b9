#pragma once

#include "plan/diagnostic.hpp"
#include "plan/model.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What runs when: the waves a run goes through, the critical path and the
// theoretical speedup, derived from a valid plan.
namespace wave::plan {

// Two agents of one wave that could both change one path.
struct Overlap {
  std::size_t agent = 0;     // the later agent in plan order
  std::size_t other = 0;     // the earlier one
  std::string pattern;       // the owns entry of `agent` ...
  std::string other_pattern; // ... overlapping this owns entry of `other`
  std::string witness;       // a path both patterns own (empty when undecided)
  Location where;            // of `pattern` in the plan
  bool undecided = false;    // too complex to decide: taken as overlapping
};

// Why a level of the dependency graph runs as several waves.
enum class Split {
  none,      // the level's (first) group of agents
  exclusive, // one `exclusive = true` agent, alone
  overlap,   // agents that overlap agents of the level's previous overlap group
};

struct Wave {
  std::string label;               // "1", "2"; "2a", "2b", ... when level 2 runs as several waves
  int level = 0;                   // 1 + the largest level of the agents' dependencies (or the pin)
  std::vector<std::size_t> agents; // agent indices, in plan order
  Split split = Split::none;
  std::vector<Overlap> overlaps;   // split == overlap: why each agent could not run one wave earlier
};

struct Schedule {
  std::vector<Wave> waves;                // in the order the run goes through them
  std::vector<std::size_t> wave_of;       // per agent: its index in `waves`
  std::vector<std::size_t> critical_path; // agent indices, first to last
  // Costs come from `estimate` (milliseconds; an agent without one costs the
  // mean of the given estimates) when any agent has one, else 1 per agent.
  bool estimated = false;
  std::vector<double> cost;               // per agent
  double sequential = 0;                  // sum of all costs
  double parallel = 0;                    // sum over waves of the largest cost in the wave
  double critical = 0;                    // sum of costs along the critical path
  double speedup = 1;                     // sequential / parallel
  // Eager scheduling: each agent starts as soon as what it waits for
  // (eager_dependencies) is done, with no barrier between waves.
  double eager = 0;         // the longest chain of eager_dependencies
  double eager_speedup = 1; // sequential / eager

  // Index in `waves` of the wave labelled `label` ("2", "2b").
  std::optional<std::size_t> find_wave(std::string_view label) const;
};

// Schedules a plan that parse() accepted. Overlapping agents of one level are
// errors in `diagnostics` unless `split` (the --split option) or the plan's
// overlap = "split" asks to run them as sequential sub-waves. Also adds the
// lints: waves wider than max_parallel, plans of more than 15 agents, owned
// patterns that overlap protected ones, read-only agents (a note), agents
// without a task. Bounded cost on any plan: candidate pairs come from an
// index, not from every pair; a pair too complex to decide is an overlap
// that says so; past max_overlap_errors overlaps, or when comparing the
// patterns costs more than OwnedPatterns' budget, one error says so and
// comparing stops.
inline constexpr std::size_t max_overlap_errors = 50;
Schedule schedule(const Plan& plan, bool split, Diagnostics& diagnostics);

// A chain of agents, each waiting for the one before it, and its length.
struct Chain {
  double length = 0;
  std::vector<std::size_t> agents; // first to last
};

// The longest chain through `deps` (acyclic, by agent index) by `cost`, over
// the agents `include` holds (all when empty). Among equally long chains it
// prefers agents with more dependencies (their start waits on the slowest of
// more work, so they are the likelier to slip), then plan order.
Chain longest_chain(const std::vector<std::vector<std::size_t>>& deps, const std::vector<double>& cost,
                    const std::vector<bool>& include = {});

// The longest chain when each agent starts as soon as its dependencies are
// done, by `cost`, over the agents `include` holds (all when empty): no
// barrier between levels, but a level the plan runs as sub-waves (overlaps,
// exclusive agents) still runs them one after another, since their agents
// must not run at once. Linear in agents and dependencies.
Chain eager_chain(const Plan& plan, const Schedule& s, const std::vector<double>& cost,
                  const std::vector<bool>& include = {});

// The label of sub-wave `index` (0-based) of `level`: "2a", ..., "2z", "2aa".
std::string sub_wave_label(int level, std::size_t index);

} // namespace wave::plan
