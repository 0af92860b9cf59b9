#include <catch.hpp>

#include "core/error.hpp"
#include "plan/ownership.hpp"

#include <string>
#include <vector>

using namespace wave;
using plan::Ownership;

namespace {

plan::Agent agent(std::string name, std::vector<std::string> owns) {
  plan::Agent a;
  a.name = std::move(name);
  for (auto& pattern : owns) {
    a.owns.push_back({std::move(pattern), {3, 10}});
  }
  return a;
}

plan::Plan sample() {
  plan::Plan p;
  p.name = "demo";
  p.protected_paths = {{"wave.toml", {2, 14}}, {".github/**", {2, 27}}};
  p.agents.push_back(agent("config-schema", {"src/config/**", "schema/*.json"}));
  p.agents.push_back(agent("event-hooks", {"src/hooks/event_hooks.cpp", "tests/hooks/**"}));
  p.agents.push_back(agent("reviewer", {}));
  p.agents.push_back(agent("docs", {"**/*.md", "src/config/README.md"}));
  p.agents.push_back(agent("ci", {".github/workflows/ci.yml"}));
  return p;
}

} // namespace

TEST_CASE("ownership: lookup names the owners in plan order", "[ownership]") {
  const auto plan = sample();
  const Ownership own(plan);
  CHECK(own.agent_count() == 5);

  auto who = own.lookup("src/config/a/b.json");
  CHECK(who.owners == std::vector<std::size_t>{0});
  CHECK_FALSE(who.is_protected);

  who = own.lookup("src/config/README.md");
  CHECK(who.owners == std::vector<std::size_t>{0, 3});

  who = own.lookup("schema/x.json");
  CHECK(who.owners == std::vector<std::size_t>{0});
  CHECK(own.lookup("schema/sub/x.json").owners.empty());

  who = own.lookup("docs/x");
  CHECK(who.owners.empty());
  CHECK_FALSE(who.is_protected);
}

TEST_CASE("ownership: protected paths are reported, owned or not", "[ownership]") {
  const auto plan = sample();
  const Ownership own(plan);
  auto who = own.lookup("wave.toml");
  CHECK(who.owners.empty());
  CHECK(who.is_protected);

  who = own.lookup(".github/workflows/ci.yml");
  CHECK(who.owners == std::vector<std::size_t>{4});
  CHECK(who.is_protected);
}

TEST_CASE("ownership: violations list what an agent may not touch", "[ownership]") {
  const auto plan = sample();
  const Ownership own(plan);
  const std::vector<std::string> paths{"src/hooks/event_hooks.cpp", "src/config/x.h", "tests/hooks/a/b.cpp",
                                       "wave.toml", "NEWS"};
  const auto found = own.violations(1, paths);
  REQUIRE(found.size() == 3);
  CHECK(found[0].path == "src/config/x.h");
  CHECK(found[0].owners == std::vector<std::size_t>{0});
  CHECK_FALSE(found[0].is_protected);
  CHECK(found[1].path == "wave.toml");
  CHECK(found[1].owners.empty());
  CHECK(found[1].is_protected);
  CHECK(found[2].path == "NEWS");
  CHECK(found[2].owners.empty());
  CHECK_FALSE(found[2].is_protected);
}

TEST_CASE("ownership: protected wins even over the owner", "[ownership]") {
  const auto plan = sample();
  const Ownership own(plan);
  const auto found = own.violations(4, {".github/workflows/ci.yml"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].owners == std::vector<std::size_t>{4});
  CHECK(found[0].is_protected);
}

TEST_CASE("ownership: a read-only agent may touch nothing", "[ownership]") {
  const auto plan = sample();
  const Ownership own(plan);
  const auto found = own.violations(2, {"README.md", "src/config/x"});
  REQUIRE(found.size() == 2);
  CHECK(found[0].owners == std::vector<std::size_t>{3});
  CHECK(found[1].owners == std::vector<std::size_t>{0});
  CHECK(own.violations(0, {"src/config/x", "schema/a.json"}).empty());
}

TEST_CASE("ownership: an invalid pattern is named with its place", "[ownership]") {
  auto plan = sample();
  plan.agents[1].owns.push_back({"src/[x", {9, 12}});
  try {
    const Ownership own(plan);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "wave.toml:9:12: invalid pattern 'src/[x': unbalanced '['");
  }
}
