#include <catch.hpp>

#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "report/timeline.hpp"

#include <fmt/format.h>

using namespace wave;
using namespace wave::report;

namespace {

plan::Plan parsed(const std::string& text) {
  auto r = plan::parse(text, "wave.toml");
  REQUIRE(r.plan);
  return std::move(*r.plan);
}

constexpr Seconds m(double minutes) {
  return static_cast<Seconds>(minutes * 60);
}

Attempt attempt(double from, double to, std::string end = "done", int number = 1) {
  return Attempt{number, {m(from), m(to)}, std::move(end), std::nullopt};
}

AgentTimeline agent(std::string name, std::vector<Attempt> attempts) {
  AgentTimeline a;
  a.name = std::move(name);
  a.attempts = std::move(attempts);
  return a;
}

WaveTimeline wave_of(std::string label, double started, std::vector<AgentTimeline> agents,
                     std::optional<std::pair<double, double>> gate,
                     std::optional<std::pair<double, double>> merge) {
  WaveTimeline w;
  w.label = std::move(label);
  w.started = m(started);
  w.agents = std::move(agents);
  if (gate) {
    w.gate = Span{m(gate->first), m(gate->second)};
    w.gate_passed = true;
  }
  if (merge) {
    w.merge = Span{m(merge->first), m(merge->second)};
  }
  return w;
}

// Seed 000's seven tasks, none with an estimate.
const char* const seed_000 = R"(name = "review-enforcement"
[[agent]]
name = "config-schema"
owns = ["src/config/**"]
[[agent]]
name = "event-hooks"
after = ["config-schema"]
owns = ["src/hooks/**"]
[[agent]]
name = "review-checking"
after = ["config-schema"]
owns = ["src/review/**"]
[[agent]]
name = "commit-enforcement"
after = ["config-schema"]
owns = ["src/commit/**"]
[[agent]]
name = "issue-tool"
after = ["event-hooks"]
owns = ["src/tools/issue.ts"]
[[agent]]
name = "pr-tool"
after = ["event-hooks", "review-checking", "commit-enforcement"]
owns = ["src/tools/pr.ts"]
[[agent]]
name = "docs"
after = ["issue-tool", "pr-tool"]
owns = ["docs/**"]
)";

Report analysed(const std::string& plan_text, Timeline t) {
  const plan::Plan p = parsed(plan_text);
  plan::Diagnostics d;
  const plan::Schedule s = plan::schedule(p, false, d);
  REQUIRE_FALSE(d.has_errors());
  t.run = p.name;
  return analyse(p, s, t);
}

} // namespace

TEST_CASE("report: seed 000 with wave 2 serialised loses its speedup to agents not running in parallel",
          "[report]") {
  // Ten minutes a task; wave 2's three tasks shared a file, so they ran one
  // after another; gates and merges took no time.
  Timeline t;
  t.waves.push_back(wave_of("1", 0, {agent("config-schema", {attempt(0, 10)})}, {{10, 10}}, {{10, 10}}));
  t.waves.push_back(
      wave_of("2", 10,
              {agent("event-hooks", {attempt(10, 20)}), agent("review-checking", {attempt(20, 30)}),
               agent("commit-enforcement", {attempt(30, 40)})},
              {{40, 40}}, {{40, 40}}));
  t.waves.push_back(wave_of("3", 40,
                            {agent("issue-tool", {attempt(40, 50)}), agent("pr-tool", {attempt(40, 50)})},
                            {{50, 50}}, {{50, 50}}));
  t.waves.push_back(wave_of("4", 50, {agent("docs", {attempt(50, 60)})}, {{60, 60}}, {{60, 60}}));
  const Report r = analysed(seed_000, t);

  CHECK(r.finished);
  CHECK_FALSE(r.approximate);
  CHECK(r.wall == m(60));
  CHECK(r.agent_time == m(70));
  CHECK(r.waves_time == m(40));
  CHECK(r.eager_time == m(40));
  CHECK(r.speedup.theoretical == Approx(1.75));
  CHECK(r.speedup.theoretical_eager == Approx(1.75));
  CHECK(r.speedup.waves == Approx(1.75));
  CHECK(r.speedup.eager == Approx(1.75));
  CHECK(r.speedup.actual == Approx(70.0 / 60.0));
  // All of the loss: 20 minutes of wave 2 with one agent at a time.
  CHECK(r.serial == m(20));
  CHECK(r.waves[1].running == m(30));
  CHECK(r.waves[1].slowest == m(10));
  CHECK(r.waves[1].serial == m(20));
  CHECK(r.time.working == m(60));
  CHECK(r.time.retries + r.time.gates + r.time.merges + r.time.idle + r.time.between + r.time.aborted == 0);
  REQUIRE(r.lost.size() == 1);
  CHECK(
      r.lost[0] ==
      "20m00s of wall-clock: agents not running in parallel (wave 2: 30m00s of agents at work for a slowest "
      "agent of 10m00s)");
  // event-hooks waited 20 minutes for commit-enforcement, review-checking 10.
  CHECK(r.waves[1].agents[0].waiting == m(20));
  CHECK(r.waves[1].agents[1].waiting == m(10));
  CHECK(r.waiting == m(30));
  CHECK(r.planned_critical == std::vector<std::string>{"config-schema", "event-hooks", "pr-tool", "docs"});
  CHECK(r.actual_critical.size() == 4);
  CHECK(r.waves[0].agents[0].actual_critical);
  CHECK(r.waves[3].agents[0].planned_critical);
}

TEST_CASE("report: retries, gates, merges and the gaps between waves share the wall-clock", "[report]") {
  const std::string plan = R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
estimate = "10m"
[[agent]]
name = "b"
owns = ["b"]
estimate = "10m"
[[agent]]
name = "c"
owns = ["c"]
after = ["a"]
)";
  Timeline t;
  // a fails once; b is launched a minute late; the lead starts wave 2 two
  // minutes after the merge and c a minute after that.
  t.waves.push_back(wave_of(
      "1", 0,
      {agent("a", {attempt(0, 5, "failed", 1), attempt(5, 15, "done", 2)}), agent("b", {attempt(1, 8)})},
      {{15, 17}}, {{17, 18}}));
  t.waves.push_back(wave_of("2", 20, {agent("c", {attempt(21, 31)})}, {{31, 32}}, {{32, 33}}));
  const Report r = analysed(plan, t);

  CHECK(r.wall == m(33));
  CHECK(r.agent_time == m(32));
  CHECK(r.retries == m(5));
  CHECK(r.time.working == m(24));
  CHECK(r.time.retries == m(1));
  CHECK(r.time.gates == m(3));
  CHECK(r.time.merges == m(2));
  CHECK(r.time.between == m(2));
  CHECK(r.time.idle == m(1));
  CHECK(r.serial == 0);
  CHECK(r.waves[0].agents[1].waiting == m(7));
  CHECK(r.waves[0].agents[0].redone == std::vector<bool>{true, false});
  CHECK(r.waves[0].agents[0].launched == m(0));
  CHECK(r.waves[0].agents[0].exited == m(15));
  CHECK(r.waves[0].agents[0].gated == m(17));
  CHECK(r.waves[0].agents[0].merged == m(18));
  // c has no estimate: it costs the mean, 10m; 30m of tasks in 20m of waves.
  CHECK(r.speedup.theoretical == Approx(1.5));
  CHECK(r.speedup.waves == Approx(32.0 / 25.0));
  CHECK(r.speedup.eager == Approx(32.0 / 25.0));
  CHECK(r.speedup.actual == Approx(32.0 / 33.0));
  CHECK(r.actual_critical == std::vector<std::string>{"a", "c"});
  REQUIRE(r.lost.size() == 5);
  CHECK(r.lost[0] ==
        "the agents' durations: the waves would give 1.28x with them, 1.50x with the plan's estimates");
  CHECK(r.lost[1] == "3m00s of wall-clock: gates");
  CHECK(r.lost[4] == "1m00s of wall-clock: waves where nothing ran (setup, the lead between steps)");
}

TEST_CASE("report: eager scheduling shows what the barrier cost", "[report]") {
  const std::string plan = R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
[[agent]]
name = "b"
owns = ["b"]
[[agent]]
name = "c"
owns = ["c"]
after = ["b"]
)";
  Timeline t;
  t.waves.push_back(
      wave_of("1", 0, {agent("a", {attempt(0, 10)}), agent("b", {attempt(0, 1)})}, {}, {{10, 10}}));
  t.waves.push_back(wave_of("2", 10, {agent("c", {attempt(10, 20)})}, {}, {{20, 20}}));
  const Report r = analysed(plan, t);
  CHECK(r.waves_time == m(20));
  CHECK(r.eager_time == m(11));
  CHECK(r.speedup.waves == Approx(21.0 / 20.0));
  CHECK(r.speedup.eager == Approx(21.0 / 11.0));
  CHECK(r.actual_critical == std::vector<std::string>{"b", "c"});
  CHECK(r.waves[0].agents[1].waiting == m(9));
}

TEST_CASE("report: a run under way ends now, and a run by hand is approximate", "[report]") {
  const std::string plan = R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
[[agent]]
name = "b"
owns = ["b"]
after = ["a"]
)";
  SECTION("an attempt still running") {
    Timeline t;
    t.now = m(7);
    t.waves.push_back(wave_of("1", 0, {agent("a", {attempt(0, 0, "running")})}, {}, {}));
    const Report r = analysed(plan, t);
    CHECK(r.running);
    CHECK_FALSE(r.finished);
    CHECK(r.wall == m(7));
    CHECK(r.agent_time == m(7));
    CHECK_FALSE(r.waves[0].agents[0].exited);
  }
  SECTION("times from commits") {
    Timeline t;
    WaveTimeline w = wave_of("1", 0, {agent("a", {attempt(0, 4, "commits")})}, {{6, 7}}, {{9, 9}});
    w.approximate = true;
    w.agents[0].first_commit = m(2);
    w.agents[0].last_commit = m(4);
    t.waves.push_back(w);
    const Report r = analysed(plan, t);
    CHECK(r.approximate);
    CHECK(r.wall == m(9));
    CHECK(r.time.working == m(4));
    CHECK(r.time.idle == m(4));
    CHECK(r.time.gates == m(1));
    CHECK(r.waves[0].agents[0].first_commit == m(2));
  }
  SECTION("an aborted wave is time thrown away, not agent time") {
    Timeline t;
    WaveTimeline w = wave_of("1", 0, {agent("a", {attempt(0, 3, "done")})}, {}, {});
    w.aborted = true;
    t.waves.push_back(w);
    t.waves.push_back(wave_of("1", 4, {agent("a", {attempt(4, 6)})}, {}, {{6, 6}}));
    const Report r = analysed(plan, t);
    CHECK(r.agent_time == m(2));
    CHECK(r.time.aborted == m(4));
    CHECK(r.time.working == m(2));
  }
}

TEST_CASE("report: durations read at a glance", "[report]") {
  CHECK(duration_text(0) == "0s");
  CHECK(duration_text(59) == "59s");
  CHECK(duration_text(65) == "1m05s");
  CHECK(duration_text(3725) == "1h02m");
}

TEST_CASE("report: a wave gated twice counts both gates", "[report]") {
  const std::string plan = R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
)";
  Timeline t;
  // The gate fails at 5-6, a second attempt runs 6-9, the gate passes at 9-10.
  WaveTimeline w = wave_of("1", 0, {agent("a", {attempt(0, 5, "culprit", 1), attempt(6, 9, "done", 2)})},
                           {{9, 10}}, {{10, 10}});
  w.earlier_gates.push_back({m(5), m(6)});
  t.waves.push_back(w);
  const Report r = analysed(plan, t);
  CHECK(r.time.gates == m(2));
  CHECK(r.time.retries == m(5));
  CHECK(r.time.working == m(3));
  CHECK(r.retries == m(5));
  CHECK(r.wall == m(10));
}
