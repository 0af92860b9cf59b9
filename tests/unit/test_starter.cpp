#include <catch.hpp>

#include "plan/ownership.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "plan/starter.hpp"

#include <string>
#include <vector>

using namespace wave;
using namespace wave::plan;

namespace {

// Parses and schedules `text` as `git wave plan` does; fails the test on any error.
Plan accepted(const std::string& text) {
  auto result = parse(text, "wave.toml");
  INFO(text);
  for (const auto& d : result.diagnostics.items) {
    INFO(d.where.line << ":" << d.where.column << ": " << d.message);
    CHECK(d.severity != Severity::error);
  }
  REQUIRE(result.plan);
  const auto s = schedule(*result.plan, false, result.diagnostics);
  REQUIRE_FALSE(result.diagnostics.has_errors());
  return *result.plan;
}

} // namespace

TEST_CASE("starter: the example plan passes git wave plan", "[starter]") {
  StarterOptions o;
  o.base = "main";
  o.plan_path = "wave.toml";
  const Plan plan = accepted(starter_plan(o));
  CHECK(plan.name == "my-change");
  CHECK(plan.base == "main");
  REQUIRE(plan.agents.size() == 3);
  CHECK(plan.agents[2].after.size() == 2);
  REQUIRE(plan.protected_paths.size() == 1);
  CHECK(plan.protected_paths[0].value == "wave.toml");
  CHECK(plan.gate.commands.empty());
}

TEST_CASE("starter: without a base the line is a comment", "[starter]") {
  StarterOptions o;
  const std::string text = starter_plan(o);
  CHECK(text.find("\n# base = ") != std::string::npos);
  const Plan plan = accepted(text);
  CHECK(plan.base.empty());
  CHECK(plan.protected_paths.empty());
}

TEST_CASE("starter: guessed gate commands are written with their source", "[starter]") {
  StarterOptions o;
  o.gate = {{"cargo build", "Cargo.toml"}, {"cargo test", "Cargo.toml"}, {"say \"hi\" \\ now", "x"}};
  const std::string text = starter_plan(o);
  CHECK(text.find("# Cargo.toml") != std::string::npos);
  const Plan plan = accepted(text);
  CHECK(plan.gate.commands == std::vector<std::string>{"cargo build", "cargo test", "say \"hi\" \\ now"});
}

TEST_CASE("starter: one agent per folder, owning it", "[starter]") {
  StarterOptions o;
  o.from_tree = true;
  o.base = "main";
  o.plan_path = "plans/wave[1].toml";
  o.folders = {"src", "docs", "we ird*", "a\"b", "caf\xc3\xa9"};
  o.left_out = {".github"};
  const std::string text = starter_plan(o);
  CHECK(text.find(".github/") != std::string::npos);
  const Plan plan = accepted(text);
  REQUIRE(plan.agents.size() == 5);
  CHECK(plan.agents[0].name == "src");
  CHECK(plan.agents[2].name == "we-ird");
  CHECK(plan.agents[3].name == "a-b");
  CHECK(plan.agents[4].name == "caf"); // names are ASCII: plan/name.hpp

  // Each agent owns exactly its folder, glob characters taken literally;
  // the top-level files stay unowned and the plan is protected.
  const Ownership ownership(plan);
  CHECK(ownership.lookup("src/main.c").owners == std::vector<std::size_t>{0});
  CHECK(ownership.lookup("we ird*/x").owners == std::vector<std::size_t>{2});
  CHECK(ownership.lookup("we irdX/x").owners.empty());
  CHECK(ownership.lookup("a\"b/c").owners == std::vector<std::size_t>{3});
  CHECK(ownership.lookup("README.md").owners.empty());
  CHECK(ownership.lookup("plans/wave[1].toml").is_protected);
  CHECK_FALSE(ownership.lookup("plans/wave1.toml").is_protected);
}

TEST_CASE("starter: folder names become valid, unique agent names", "[starter]") {
  const std::vector<std::string> none;
  CHECK(agent_name_for("src", none) == "src");
  CHECK(agent_name_for("my dir", none) == "my-dir");
  CHECK(agent_name_for("a~b^c:d?e*f[g\\h", none) == "a-b-c-d-e-f-g-h");
  CHECK(agent_name_for("x..y", none) == "x.y");
  CHECK(agent_name_for("-lead", none) == "lead");
  CHECK(agent_name_for("data.lock", none) == "data");
  CHECK(agent_name_for("v1.", none) == "v1");
  CHECK(agent_name_for("@", none) == "agent");
  CHECK(agent_name_for("***", none) == "agent");
  CHECK(agent_name_for("a@{b", none) == "a-b");
  CHECK(agent_name_for("src", {"src"}) == "src-2");
  CHECK(agent_name_for("src", {"src", "src-2"}) == "src-3");
  CHECK(agent_name_for("my dir", {"my-dir"}) == "my-dir-2");
}

TEST_CASE("starter: UTF-8 validity", "[starter]") {
  CHECK(valid_utf8("plain"));
  CHECK(valid_utf8("caf\xc3\xa9"));
  CHECK(valid_utf8("\xf0\x9f\x8c\x8a"));
  CHECK_FALSE(valid_utf8("caf\xe9"));
  CHECK_FALSE(valid_utf8("\xc0\xaf"));     // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80")); // a surrogate
  CHECK_FALSE(valid_utf8("\xe2\x82"));     // cut short
}
