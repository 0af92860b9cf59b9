#include <catch.hpp>

#include "plan/parse.hpp"
#include "plan/schedule.hpp"

#include <fmt/format.h>

#include <algorithm>

using namespace wave;
using namespace wave::plan;

namespace {

// Seed 000's seven tasks; `shared` gives all three wave-2 tasks the same file.
std::string seed_000(bool shared, std::string_view extra = {}) {
  const std::string two = shared ? "src/git-workflow-enforcer.ts" : "src/hooks/**";
  const std::string three = shared ? "src/git-workflow-enforcer.ts" : "src/review/**";
  const std::string four = shared ? "src/git-workflow-enforcer.ts" : "src/commit/**";
  return fmt::format(R"(name = "review-enforcement"
{}
[[agent]]
name = "t1"
task = "Extend config schema"
owns = ["src/config/**"]

[[agent]]
name = "t2"
task = "Add event hook system"
after = ["t1"]
owns = ["{}"]

[[agent]]
name = "t3"
task = "Add review checking logic"
after = ["t1"]
owns = ["{}"]

[[agent]]
name = "t4"
task = "Add commit enforcement"
after = ["t1"]
owns = ["{}"]

[[agent]]
name = "t5"
task = "Enhance issue creation tool"
after = ["t2"]
owns = ["src/tools/issue.ts"]

[[agent]]
name = "t6"
task = "Add PR creation tool"
after = ["t2", "t3", "t4"]
owns = ["src/tools/pr.ts"]

[[agent]]
name = "t7"
task = "Update documentation"
after = ["t5", "t6"]
owns = ["docs/**"]
)",
                     extra, two, three, four);
}

Plan parsed(const std::string& text) {
  auto r = parse(text, "wave.toml");
  INFO((r.diagnostics.items.empty() ? std::string() : format("wave.toml", r.diagnostics.items.front())));
  REQUIRE(r.plan);
  return std::move(*r.plan);
}

std::vector<std::vector<std::string>> wave_names(const Plan& p, const Schedule& s) {
  std::vector<std::vector<std::string>> out;
  for (const auto& w : s.waves) {
    std::vector<std::string> names;
    for (const auto a : w.agents) {
      names.push_back(p.agents[a].name);
    }
    out.push_back(names);
  }
  return out;
}

std::vector<std::string> labels(const Schedule& s) {
  std::vector<std::string> out;
  for (const auto& w : s.waves) {
    out.push_back(w.label);
  }
  return out;
}

std::vector<std::string> path_names(const Plan& p, const Schedule& s) {
  std::vector<std::string> out;
  for (const auto a : s.critical_path) {
    out.push_back(p.agents[a].name);
  }
  return out;
}

std::vector<std::string> messages(const Diagnostics& d, Severity severity) {
  std::vector<std::string> out;
  for (const auto& item : d.items) {
    if (item.severity == severity) {
      out.push_back(fmt::format("{}:{}: {}", item.where.line, item.where.column, item.message));
    }
  }
  return out;
}

using Waves = std::vector<std::vector<std::string>>;
using Names = std::vector<std::string>;

} // namespace

TEST_CASE("schedule: seed 000 runs in four waves with critical path 1-2-6-7", "[schedule]") {
  const Plan p = parsed(seed_000(false));
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK_FALSE(d.has_errors());
  CHECK(wave_names(p, s) == Waves{{"t1"}, {"t2", "t3", "t4"}, {"t5", "t6"}, {"t7"}});
  CHECK(labels(s) == Names{"1", "2", "3", "4"});
  CHECK(path_names(p, s) == Names{"t1", "t2", "t6", "t7"});
  CHECK_FALSE(s.estimated);
  CHECK(s.sequential == 7);
  CHECK(s.parallel == 4);
  CHECK(s.critical == 4);
  CHECK(s.speedup == Approx(1.75));
  CHECK(s.wave_of == std::vector<std::size_t>{0, 1, 1, 1, 2, 2, 3});
  CHECK(s.find_wave("3") == 2u);
  CHECK_FALSE(s.find_wave("5"));
  for (const auto& w : s.waves) {
    CHECK(w.split == Split::none);
    CHECK(w.level == std::stoi(w.label));
  }
}

TEST_CASE("schedule: seed 000 with one shared file reports the overlap with that file", "[schedule]") {
  const Plan p = parsed(seed_000(true));
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(messages(d, Severity::error) ==
        Names{
            "18:9: agents 't2' and 't3' of wave 2 both own 'src/git-workflow-enforcer.ts'",
            "24:9: agents 't2' and 't4' of wave 2 both own 'src/git-workflow-enforcer.ts'",
            "24:9: agents 't3' and 't4' of wave 2 both own 'src/git-workflow-enforcer.ts'",
        });
  CHECK(d.items[0].hint.find("--split") != std::string::npos);
  CHECK(wave_names(p, s) == Waves{{"t1"}, {"t2", "t3", "t4"}, {"t5", "t6"}, {"t7"}});
}

TEST_CASE("schedule: with split on, seed 000's wave 2 becomes three sequential sub-waves", "[schedule]") {
  const auto check_split = [](const Plan& p, const Schedule& s, const Diagnostics& d) {
    CHECK_FALSE(d.has_errors());
    CHECK(wave_names(p, s) == Waves{{"t1"}, {"t2"}, {"t3"}, {"t4"}, {"t5", "t6"}, {"t7"}});
    CHECK(labels(s) == Names{"1", "2a", "2b", "2c", "3", "4"});
    CHECK(s.waves[1].split == Split::none);
    REQUIRE(s.waves[2].split == Split::overlap);
    REQUIRE(s.waves[2].overlaps.size() == 1);
    const Overlap& o = s.waves[2].overlaps[0];
    CHECK(p.agents[o.agent].name == "t3");
    CHECK(p.agents[o.other].name == "t2");
    CHECK(o.witness == "src/git-workflow-enforcer.ts");
    CHECK(o.pattern == "src/git-workflow-enforcer.ts");
    REQUIRE(s.waves[3].overlaps.size() == 1);
    CHECK(p.agents[s.waves[3].overlaps[0].other].name == "t3");
    CHECK(s.waves[3].level == 2);
    CHECK(s.find_wave("2b") == 2u);
    CHECK(s.wave_of[3] == 3u);
    // Sub-waves run one after another: 1 + 1 + 1 + 1 + 1 + 1.
    CHECK(s.parallel == 6);
    CHECK(s.speedup == Approx(7.0 / 6.0));
    CHECK(path_names(p, s) == Names{"t1", "t2", "t6", "t7"});
  };
  SECTION("by the --split option") {
    const Plan p = parsed(seed_000(true));
    Diagnostics d;
    check_split(p, schedule(p, true, d), d);
  }
  SECTION("by overlap = \"split\" in the plan") {
    const Plan p = parsed(seed_000(true, "overlap = \"split\""));
    Diagnostics d;
    check_split(p, schedule(p, false, d), d);
  }
}

TEST_CASE("schedule: split puts each agent in the earliest sub-wave it does not overlap", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
owns = ["src/**"]
[[agent]]
name = "b"
owns = ["src/b.c"]
[[agent]]
name = "c"
owns = ["docs/**"]
[[agent]]
name = "d"
owns = ["src/d.c"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, true, d);
  CHECK(wave_names(p, s) == Waves{{"a", "c"}, {"b", "d"}});
  CHECK(labels(s) == Names{"1a", "1b"});
  REQUIRE(s.waves[1].overlaps.size() == 2);
  CHECK(s.waves[1].overlaps[0].other_pattern == "src/**");
  CHECK(s.waves[1].overlaps[1].witness == "src/d.c");
}

TEST_CASE("schedule: overlap between different patterns names both and a witness", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "schema"
owns = ["schema/*.json", "src/config/**"]
[[agent]]
name = "loader"
owns = ["src/*/loader.cpp"]
)");
  Diagnostics d;
  schedule(p, false, d);
  CHECK(messages(d, Severity::error) ==
        Names{"7:9: agents 'schema' and 'loader' of wave 1 both own 'src/config/loader.cpp' (by 'src/config/**' "
              "and 'src/*/loader.cpp')"});
}

TEST_CASE("schedule: patterns meet only on real names, not on git's literal reading of a glob", "[schedule]") {
  // Git's literal rule makes "**/*.md" own a file named "src/*.c/a.md", which
  // "src/*.c" owns too. No tree has such names: these agents do not overlap.
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "docs"
owns = ["**/*.md"]
[[agent]]
name = "code"
owns = ["src/*.c"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK_FALSE(d.has_errors());
  CHECK(labels(s) == Names{"1"});
}

TEST_CASE("schedule: agents of different waves may own the same paths", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
owns = ["src/**"]
[[agent]]
name = "b"
after = ["a"]
owns = ["src/**"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK_FALSE(d.has_errors());
  CHECK(labels(s) == Names{"1", "2"});
}

TEST_CASE("schedule: pins delay agents and leave the levels between empty", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
task = "x"
owns = ["a"]
[[agent]]
name = "b"
task = "x"
owns = ["b"]
wave = 3
[[agent]]
name = "c"
task = "x"
after = ["b"]
owns = ["c"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(d.items.empty());
  CHECK(wave_names(p, s) == Waves{{"a"}, {"b"}, {"c"}});
  CHECK(labels(s) == Names{"1", "3", "4"});
}

TEST_CASE("schedule: an exclusive agent stands alone in its wave", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "migrate"
owns = ["db/**"]
exclusive = true
[[agent]]
name = "c"
owns = ["c/**"]
[[agent]]
name = "d"
after = ["a"]
owns = ["d/**"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK_FALSE(d.has_errors());
  CHECK(wave_names(p, s) == Waves{{"a", "c"}, {"migrate"}, {"d"}});
  CHECK(labels(s) == Names{"1a", "1b", "2"});
  CHECK(s.waves[1].split == Split::exclusive);
}

TEST_CASE("schedule: critical path and speedup follow estimates", "[schedule]") {
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
estimate = "10m"
[[agent]]
name = "b"
owns = ["b"]
after = ["a"]
estimate = "5m"
[[agent]]
name = "c"
owns = ["c"]
after = ["a"]
estimate = "30m"
[[agent]]
name = "d"
owns = ["d"]
after = ["b", "c"]
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(s.estimated);
  // d has no estimate: it costs the mean of the others, 15m.
  CHECK(s.cost[3] == Approx(15 * 60'000.0));
  CHECK(path_names(p, s) == Names{"a", "c", "d"});
  CHECK(s.critical == Approx(55 * 60'000.0));
  CHECK(s.sequential == Approx(60 * 60'000.0));
  CHECK(s.parallel == Approx(55 * 60'000.0));
  CHECK(s.speedup == Approx(60.0 / 55.0));
}

TEST_CASE("schedule: lints are warnings and notes, not errors", "[schedule]") {
  std::string text = "name = \"r\"\nmax_parallel = 2\nprotected = [\"wave.toml\", \".github/**\"]\n";
  for (int i = 0; i < 16; ++i) {
    text += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"src/a{}/**\"]\n", i, i);
  }
  text += "[[agent]]\nname = \"ci\"\ntask = \"\"\nowns = [\".github/workflows/ci.yml\"]\nafter = [\"a0\"]\n";
  text += "[[agent]]\nname = \"reviewer\"\ntask = \"Review\"\nafter = [\"a0\"]\n";
  const Plan p = parsed(text);
  Diagnostics d;
  schedule(p, false, d);
  CHECK_FALSE(d.has_errors());
  CHECK(messages(d, Severity::warning) ==
        Names{
            "13:8: wave 1 has 16 agents, more than max_parallel (2)",
            "65:8: the plan has 18 agents; more than 15 are hard to lead and review at once",
            "69:8: agent 'ci' has no task",
            "71:9: agent 'ci' owns '.github/workflows/ci.yml', which overlaps protected '.github/**' (e.g. "
            "'.github/workflows/ci.yml')",
        });
  CHECK(messages(d, Severity::note) ==
        Names{"74:8: agent 'reviewer' owns no paths: it is read-only and its branch must stay empty"});
}

TEST_CASE("schedule: sub-wave labels continue past z", "[schedule]") {
  CHECK(sub_wave_label(2, 0) == "2a");
  CHECK(sub_wave_label(2, 25) == "2z");
  CHECK(sub_wave_label(2, 26) == "2aa");
  CHECK(sub_wave_label(10, 27) == "10ab");
}

TEST_CASE("schedule: a long chain schedules without recursion limits", "[schedule]") {
  std::string text = "name = \"r\"\n";
  for (int i = 0; i < 2000; ++i) {
    text += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"f{}\"]\n", i, i);
    if (i > 0) {
      text += fmt::format("after = [\"a{}\"]\n", i - 1);
    }
  }
  const Plan p = parsed(text);
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(s.waves.size() == 2000);
  CHECK(s.critical_path.size() == 2000);
  CHECK(s.speedup == Approx(1.0));
}

TEST_CASE("schedule: eager scheduling has no barrier between waves", "[schedule]") {
  // a (10m) and b (1m) in wave 1, c (10m) after b in wave 2: the waves take
  // 10m + 10m, eagerly c starts when b is done and all ends at 11m.
  const Plan p = parsed(R"(name = "r"
[[agent]]
name = "a"
owns = ["a"]
estimate = "10m"
[[agent]]
name = "b"
owns = ["b"]
estimate = "1m"
[[agent]]
name = "c"
owns = ["c"]
after = ["b"]
estimate = "10m"
)");
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(s.parallel == Approx(20 * 60'000.0));
  CHECK(s.eager == Approx(11 * 60'000.0));
  CHECK(s.eager_speedup == Approx(21.0 / 11.0));
  SECTION("with other costs, the chain follows them") {
    const Chain c = eager_chain(p, s, {5, 1, 1});
    CHECK(c.length == 5);
    REQUIRE(c.agents.size() == 1);
    CHECK(p.agents[c.agents[0]].name == "a");
  }
  SECTION("over some agents only") {
    const Chain c = eager_chain(p, s, s.cost, {false, true, true});
    CHECK(c.length == Approx(11 * 60'000.0));
    CHECK(c.agents == std::vector<std::size_t>{1, 2});
  }
}

TEST_CASE("schedule: eagerly, sub-waves of one level still run one after another", "[schedule]") {
  const Plan p = parsed(seed_000(true, "overlap = \"split\""));
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  REQUIRE(labels(s) == Names{"1", "2a", "2b", "2c", "3", "4"});
  // t1, t2, t3, t4 one after another, then t6, then t7: t5 runs beside them.
  CHECK(s.eager == 6);
  CHECK(s.eager_speedup == Approx(7.0 / 6.0));
  const Chain c = eager_chain(p, s, s.cost);
  Names names;
  for (const auto a : c.agents) {
    names.push_back(p.agents[a].name);
  }
  CHECK(names == Names{"t1", "t2", "t3", "t4", "t6", "t7"});
}

TEST_CASE("schedule: without estimates or splits, eager is the critical path", "[schedule]") {
  const Plan p = parsed(seed_000(false));
  Diagnostics d;
  const Schedule s = schedule(p, false, d);
  CHECK(s.eager == 4);
  CHECK(s.eager_speedup == Approx(1.75));
}

TEST_CASE("schedule: chains through a cycle end, and leave it out", "[schedule]") {
  // a -> c -> b -> a, as an invalid plan may hold (parse() reports it).
  const std::vector<std::vector<std::size_t>> deps{{2}, {0}, {1}, {}};
  const Chain c = longest_chain(deps, {1, 1, 1, 5});
  CHECK(c.length == 5);
  CHECK(c.agents == std::vector<std::size_t>{3});
  const Chain d = longest_chain(deps, {1, 1, 1, 1});
  CHECK(d.agents.size() <= 3);
}

TEST_CASE("schedule: owners of paths that are one file on macOS and Windows are reported", "[schedule]") {
  // Issue 17, item 10: case and Unicode normalisation aliases.
  const auto plan_of = [](const std::string& a_owns, const std::string& b_owns, const std::string& extra = "") {
    return parsed(fmt::format("name = \"r\"\n{}\n[[agent]]\nname = \"a\"\nowns = [\"{}\"]\n\n[[agent]]\nname = "
                              "\"b\"\nowns = [\"{}\"]\n",
                              extra, a_owns, b_owns));
  };
  const auto aliases = [](const Names& found) {
    return std::count_if(found.begin(), found.end(), [](const std::string& m) {
      return m.find("differ only by case") != std::string::npos;
    });
  };
  SECTION("case") {
    const Plan p = plan_of("src/m*", "src/Main.c");
    Diagnostics d;
    schedule(p, false, d);
    REQUIRE(messages(d, Severity::error) ==
            Names{"9:9: agents 'a' and 'b' of wave 1 own paths that differ only by case or Unicode "
                  "normalisation, such as 'src/main.c' (by 'src/m*' and 'src/Main.c'): on macOS and Windows "
                  "they are one file"});
    for (const auto& item : d.items) {
      if (item.severity == Severity::error) {
        CHECK(item.hint.find("case_sensitive = true") != std::string::npos);
      }
    }
  }
  SECTION("NFC and NFD spellings") {
    const Plan p = plan_of("docs/\xc3\xa4.md", "docs/a\xcc\x88.md"); // U+00E4, then a + U+0308
    Diagnostics d;
    schedule(p, false, d);
    CHECK(messages(d, Severity::error).size() == 1);
  }
  SECTION("a plan for case-sensitive file systems only is warned") {
    const Plan p = plan_of("src/m*", "src/Main.c", "case_sensitive = true");
    Diagnostics d;
    schedule(p, false, d);
    CHECK_FALSE(d.has_errors());
    CHECK(aliases(messages(d, Severity::warning)) == 1);
  }
  SECTION("patterns that stay apart once folded are fine") {
    const Plan p = plan_of("src/Alpha/**", "src/beta/**");
    Diagnostics d;
    schedule(p, false, d);
    CHECK_FALSE(d.has_errors());
    CHECK(aliases(messages(d, Severity::warning)) == 0);
  }
  SECTION("agents of different waves never alias") {
    const Plan p = parsed("name = \"r\"\n[[agent]]\nname = \"a\"\nowns = [\"src/m*\"]\n\n[[agent]]\nname = "
                          "\"b\"\nafter = [\"a\"]\nowns = [\"src/Main.c\"]\n");
    Diagnostics d;
    schedule(p, false, d);
    CHECK_FALSE(d.has_errors());
  }
}
