#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

// Finding the culprit when a wave's combined gate fails, the way merge queues
// bisect a failed batch: the candidate is a chain of merges in plan order, so
// the first prefix of the chain that fails names the agent whose branch broke
// it; that agent is set aside and the rest is tested again, until the rest
// passes. At most about log2(n) + 1 gate runs per culprit; no subset is run
// twice.
namespace wave::gate {

enum class Outcome { pass, fail, untestable };

// Runs the gate on the candidate made of the integration tip plus the given
// agents (indices, ascending = plan order); an empty list is the tip alone.
using Probe = std::function<Outcome(const std::vector<std::size_t>& agents)>;

// What a subset's gate is known to give without running it (a tree that was
// gated before), or nothing.
using Recall = std::function<std::optional<Outcome>(const std::vector<std::size_t>& agents)>;

struct BisectLimits {
  std::optional<int> max_runs; // probe runs allowed; nothing: as many as it takes
  Recall recall;               // asked before each run; may be empty
};

struct BisectResult {
  std::vector<std::size_t> culprits; // in the order found, each proven
  int runs = 0;                      // gate runs it took
  int reused = 0;                    // results the recall gave, not run
  bool base_fails = false;           // the integration tip alone fails: nobody to blame
  bool untestable = false;           // a subset could not be built or run: stopped early
  bool bounded = false;              // max_runs was reached before the search ended
};

// `n` agents whose combined candidate is known to fail (that run is not
// counted). Never calls the probe with the full set, nor twice with one
// subset, nor for what the recall knows.
BisectResult bisect(std::size_t n, const Probe& probe, const BisectLimits& limits = {});

} // namespace wave::gate
