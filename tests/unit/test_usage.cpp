#include <catch.hpp>

#include "plan/parse.hpp"
#include "run/budget.hpp"
#include "run/state.hpp"
#include "run/usage.hpp"

using namespace wave;

TEST_CASE("usage: Claude Code's result event gives cost, turns and tokens", "[usage]") {
  const auto u = run::read_usage(
      "{\"type\":\"system\",\"subtype\":\"init\"}\n"
      "not json\n"
      "{\"type\":\"result\",\"total_cost_usd\":0.0024,\"num_turns\":3,"
      "\"usage\":{\"input_tokens\":300,\"cache_read_input_tokens\":10,\"output_tokens\":60}}\n");
  REQUIRE(u);
  CHECK(u->cost_usd == Approx(0.0024));
  CHECK(u->turns == 3);
  CHECK(u->input_tokens == 310);
  CHECK(u->output_tokens == 60);
  CHECK(run::describe(*u) == "$0.0024, 3 turns, 310 tokens in, 60 out");
}

TEST_CASE("usage: Codex's turn events give tokens and turns, no cost", "[usage]") {
  const auto u = run::read_usage(
      "{\"type\":\"thread.started\"}\n"
      "{\"type\":\"item.completed\",\"item\":{\"type\":\"command_execution\"}}\n"
      "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\"}}\n"
      "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":500,\"output_tokens\":100}}\n");
  REQUIRE(u);
  CHECK_FALSE(u->cost_usd);
  CHECK(u->turns == 2);
  CHECK(u->input_tokens == 500);
  CHECK(run::describe(*u) == "2 turns, 500 tokens in, 100 out");
}

TEST_CASE("usage: Gemini CLI's result stats; a script's output has none", "[usage]") {
  const auto u =
      run::read_usage("{\"type\":\"result\",\"status\":\"success\",\"stats\":{\"input_tokens\":1000,"
                      "\"output_tokens\":200,\"tool_calls\":4}}\n");
  REQUIRE(u);
  CHECK(u->turns == 5);
  CHECK(u->output_tokens == 200);
  CHECK_FALSE(run::read_usage("agent a, attempt 1\n{ not json\n"));
}

TEST_CASE("usage: an attempt's usage survives the state's JSON round trip", "[usage]") {
  run::State s;
  s.run = "r";
  s.integration = "main";
  s.plan_commit = std::string(40, 'a');
  s.created_at = "2024-05-01T12:00:00Z";
  run::WaveRun w;
  w.label = "1";
  w.base = std::string(40, 'b');
  w.started_at = "2024-05-01T12:00:01Z";
  run::Attempt a;
  a.agent = "a";
  a.usage = run::Usage{0.5, 7, 1000, 20};
  w.attempts.push_back(a);
  run::Attempt b;
  b.agent = "b";
  b.usage = run::Usage{std::nullopt, std::nullopt, 3, 4};
  w.attempts.push_back(b);
  w.attempts.push_back(run::Attempt{});
  w.attempts.back().agent = "c";
  s.waves.push_back(w);
  const std::string text = run::to_json_text(s);
  const run::State back = run::from_json_text(text);
  CHECK(run::to_json_text(back) == text);
  REQUIRE(back.waves[0].attempts[0].usage);
  CHECK(back.waves[0].attempts[0].usage->cost_usd == Approx(0.5));
  CHECK(back.waves[0].attempts[0].usage->turns == 7);
  REQUIRE(back.waves[0].attempts[1].usage);
  CHECK_FALSE(back.waves[0].attempts[1].usage->cost_usd);
  CHECK(back.waves[0].attempts[1].usage->input_tokens == 3);
  CHECK_FALSE(back.waves[0].attempts[2].usage);
}

TEST_CASE("usage: Claude Code's modelUsage counts the whole session", "[usage]") {
  const auto u = run::read_usage(
      "{\"type\":\"result\",\"total_cost_usd\":0.0016,\"num_turns\":2,\"usage\":{\"input_tokens\":100,"
      "\"output_tokens\":20},\"modelUsage\":{\"m\":{\"inputTokens\":200,\"outputTokens\":40,"
      "\"cacheReadInputTokens\":5,\"cacheCreationInputTokens\":0}}}\n");
  REQUIRE(u);
  CHECK(u->input_tokens == 205);
  CHECK(u->output_tokens == 40);
}

TEST_CASE("usage: budgets of the run and of an agent against the attempts' cost", "[usage]") {
  auto r = plan::parse("name = \"p\"\n[run]\nbudget_usd = 1\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n"
                       "budget_usd = 0.25\n[[agent]]\nname = \"b\"\nowns = [\"b/**\"]\n",
                       "wave.toml");
  REQUIRE(r.plan);
  run::State s;
  run::WaveRun w;
  run::Attempt a;
  a.agent = "a";
  a.usage = run::Usage{0.2, 3, 1, 1};
  w.attempts.push_back(a);
  s.waves.push_back(w);
  CHECK_FALSE(run::budget_spent(*r.plan, s, "a"));
  s.waves[0].attempts.push_back(a);
  CHECK(run::budget_spent(*r.plan, s, "a") == "the budget of 'a' is spent: $0.4000 of $0.25");
  CHECK_FALSE(run::budget_spent(*r.plan, s, "b"));
  a.usage->cost_usd = 0.7;
  s.waves[0].attempts.push_back(a);
  CHECK(run::budget_spent(*r.plan, s, "b") == "the run's budget is spent: $1.1000 of $1");
}

TEST_CASE("usage: parts add up; a cost stays known only while every part has one", "[usage]") {
  std::optional<run::Usage> total;
  run::add(total, std::nullopt);
  CHECK_FALSE(total);
  run::add(total, run::Usage{0.5, 3, 100, 10});
  run::add(total, run::Usage{0.25, 2, 50, 5});
  REQUIRE(total);
  CHECK(*total->cost_usd == 0.75);
  CHECK(*total->turns == 5);
  CHECK(total->input_tokens == 150);
  CHECK(total->output_tokens == 15);
  run::add(total, run::Usage{std::nullopt, std::nullopt, 1, 1});
  CHECK_FALSE(total->cost_usd);
  CHECK_FALSE(total->turns);
  CHECK(total->input_tokens == 151);
}
