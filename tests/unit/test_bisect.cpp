#include <catch.hpp>

#include "gate/bisect.hpp"

#include <algorithm>
#include <set>

using namespace wave;
using gate::Outcome;

namespace {

// A gate that fails when the subset holds any of `bad` (independent culprits).
gate::Probe fails_with_any(std::set<std::size_t> bad,
                           std::vector<std::vector<std::size_t>>* calls = nullptr) {
  return [bad, calls](const std::vector<std::size_t>& agents) {
    if (calls != nullptr) {
      calls->push_back(agents);
    }
    for (auto a : agents) {
      if (bad.count(a) != 0) {
        return Outcome::fail;
      }
    }
    return Outcome::pass;
  };
}

} // namespace

TEST_CASE("bisect: names the one bad agent among four in two to four runs", "[bisect]") {
  for (std::size_t bad = 0; bad < 4; ++bad) {
    std::vector<std::vector<std::size_t>> calls;
    const auto r = gate::bisect(4, fails_with_any({bad}, &calls));
    INFO("bad agent " << bad);
    CHECK(r.culprits == std::vector<std::size_t>{bad});
    CHECK_FALSE(r.base_fails);
    CHECK_FALSE(r.untestable);
    CHECK(r.runs == static_cast<int>(calls.size()));
    // The last one: prefixes of 2 and 3 pass, and the rest is the prefix of 3.
    CHECK(r.runs == (bad == 0 ? 4 : (bad == 3 ? 2 : 3)));
    std::set<std::vector<std::size_t>> distinct(calls.begin(), calls.end());
    CHECK(distinct.size() == calls.size());
    for (const auto& c : calls) {
      CHECK(c.size() < 4); // the full set is already known to fail
      CHECK(std::is_sorted(c.begin(), c.end()));
    }
  }
}

TEST_CASE("bisect: a single culprit costs about log2(n) + 1 runs", "[bisect]") {
  for (std::size_t n = 1; n <= 64; n *= 2) {
    for (std::size_t bad = 1; bad < n; bad += 3) {
      const auto r = gate::bisect(n, fails_with_any({bad}));
      CHECK(r.culprits == std::vector<std::size_t>{bad});
      int log2n = 0;
      while ((std::size_t{1} << log2n) < n) {
        ++log2n;
      }
      CHECK(r.runs <= log2n + 1);
    }
  }
}

TEST_CASE("bisect: several independent culprits are all named", "[bisect]") {
  const auto r = gate::bisect(8, fails_with_any({2, 5, 6}));
  std::set<std::size_t> found(r.culprits.begin(), r.culprits.end());
  CHECK(found == std::set<std::size_t>{2, 5, 6});
  CHECK_FALSE(r.base_fails);
}

TEST_CASE("bisect: two agents that break only together name the later one", "[bisect]") {
  auto probe = [](const std::vector<std::size_t>& agents) {
    const bool has1 = std::find(agents.begin(), agents.end(), 1) != agents.end();
    const bool has3 = std::find(agents.begin(), agents.end(), 3) != agents.end();
    return has1 && has3 ? Outcome::fail : Outcome::pass;
  };
  const auto r = gate::bisect(5, probe);
  CHECK(r.culprits == std::vector<std::size_t>{3});
}

TEST_CASE("bisect: a failing integration tip blames nobody", "[bisect]") {
  const auto r = gate::bisect(4, [](const std::vector<std::size_t>&) { return Outcome::fail; });
  CHECK(r.base_fails);
  CHECK(r.culprits.empty());
}

TEST_CASE("bisect: an untestable subset stops the search", "[bisect]") {
  const auto r = gate::bisect(4, [](const std::vector<std::size_t>&) { return Outcome::untestable; });
  CHECK(r.untestable);
  CHECK(r.culprits.empty());
  CHECK(r.runs == 1);
}

TEST_CASE("bisect: a bound on runs stops the search there, keeping the culprits it proved", "[bisect]") {
  std::vector<std::vector<std::size_t>> calls;
  gate::BisectLimits limits;
  limits.max_runs = 1;
  const auto r = gate::bisect(8, fails_with_any({0, 5}, &calls), limits);
  CHECK(r.runs == 1);
  CHECK(calls.size() == 1);
  CHECK(r.bounded);
  CHECK_FALSE(r.untestable);
  CHECK_FALSE(r.base_fails);
  SECTION("no bound: both are found, in more runs") {
    const auto all = gate::bisect(8, fails_with_any({0, 5}));
    CHECK(all.culprits == std::vector<std::size_t>{0, 5});
    CHECK(all.runs > 1);
    CHECK_FALSE(all.bounded);
  }
}

TEST_CASE("bisect: what the recall knows is not run again; the tip known good is not re-gated", "[bisect]") {
  std::vector<std::vector<std::size_t>> calls;
  gate::BisectLimits limits;
  int asked = 0;
  limits.recall = [&](const std::vector<std::size_t>& agents) -> std::optional<Outcome> {
    ++asked;
    if (agents.empty()) {
      return Outcome::pass; // the integration tip passed its gate when the last wave merged
    }
    return std::nullopt;
  };
  const auto r = gate::bisect(4, fails_with_any({0}, &calls), limits);
  CHECK(r.culprits == std::vector<std::size_t>{0});
  CHECK(r.reused == 1);
  CHECK(asked >= 1);
  CHECK(r.runs == static_cast<int>(calls.size()));
  for (const auto& c : calls) {
    CHECK_FALSE(c.empty()); // the tip alone was never run
  }
  // Without the recall the tip alone is run: one run more.
  const auto plain = gate::bisect(4, fails_with_any({0}));
  CHECK(plain.runs == r.runs + 1);
}
