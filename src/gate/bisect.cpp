#include "gate/bisect.hpp"

#include <map>
#include <numeric>

namespace wave::gate {

BisectResult bisect(std::size_t n, const Probe& probe, const BisectLimits& limits) {
  BisectResult out;
  std::vector<std::size_t> remaining(n);
  std::iota(remaining.begin(), remaining.end(), std::size_t{0});
  bool base_known_good = false;

  // A subset is never run twice (the rest after setting a culprit aside is
  // often a prefix tested already).
  std::map<std::vector<std::size_t>, Outcome> known;
  // A run past the bound is untestable: the search stops there.
  auto test = [&](const std::vector<std::size_t>& agents) {
    if (const auto it = known.find(agents); it != known.end()) {
      return it->second;
    }
    if (limits.recall) {
      if (const auto recalled = limits.recall(agents)) {
        ++out.reused;
        return known[agents] = *recalled;
      }
    }
    if (limits.max_runs && out.runs >= *limits.max_runs) {
      out.bounded = true;
      return Outcome::untestable;
    }
    ++out.runs;
    return known[agents] = probe(agents);
  };

  // Invariant at the top of the loop: `remaining` (as a whole) fails.
  while (!remaining.empty()) {
    // Smallest failing prefix: prefix `lo` passes (lo = 0 is the tip alone,
    // assumed good until checked), prefix `hi` fails.
    std::size_t lo = 0;
    std::size_t hi = remaining.size();
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const auto o = test({remaining.begin(), remaining.begin() + static_cast<std::ptrdiff_t>(mid)});
      if (o == Outcome::untestable) {
        out.untestable = !out.bounded;
        return out;
      }
      (o == Outcome::fail ? hi : lo) = mid;
    }
    if (hi == 1 && !base_known_good) {
      const auto o = test({});
      if (o == Outcome::untestable) {
        out.untestable = !out.bounded;
        return out;
      }
      if (o == Outcome::fail) {
        out.base_fails = true;
        return out;
      }
      base_known_good = true;
    }
    out.culprits.push_back(remaining[hi - 1]);
    remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(hi - 1));
    if (remaining.empty()) {
      break;
    }
    const auto o = test(remaining);
    if (o == Outcome::untestable) {
      out.untestable = !out.bounded;
      return out;
    }
    if (o == Outcome::pass) {
      break;
    }
  }
  return out;
}

} // namespace wave::gate
