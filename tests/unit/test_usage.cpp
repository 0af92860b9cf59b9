#include <catch.hpp>

#include "plan/parse.hpp"
#include "run/budget.hpp"
#include "run/state.hpp"
#include "run/usage.hpp"

#include <algorithm>
#include <string_view>

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

// Real output of Codex CLI 0.171.0 (`codex exec --json`), captured in
// t0731: it wrote a file, had two commands refused by its sandbox, which
// no event tells, ran the verify command, and answered: five model turns.
constexpr std::string_view codex_log =
    R"codex({"type":"thread.started","thread_id":"01a25204-4301-75c3-8210-429760b158c3"}
{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for `scripted` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."}}
{"type":"turn.started"}
{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc \"mkdir -p a && echo 'work of a' >a/work.txt\"","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc \"mkdir -p a && echo 'work of a' >a/work.txt\"","aggregated_output":"","exit_code":0,"status":"completed"}}
{"type":"item.started","item":{"id":"item_2","type":"command_execution","command":"/bin/bash -lc 'sh check.sh'","aggregated_output":"","exit_code":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_2","type":"command_execution","command":"/bin/bash -lc 'sh check.sh'","aggregated_output":"check: ok\n","exit_code":0,"status":"completed"}}
{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"done: a/work.txt written; the commit is left to git wave run"}}
{"type":"turn.completed","usage":{"input_tokens":500,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":100,"reasoning_output_tokens":0}}
)codex";

// The same session's file (~/.codex/sessions/.../rollout-...jsonl): its
// token_count events and function calls, as written (the prompt's and the
// tools' output lines left out).
constexpr std::string_view codex_session =
    R"codex({"timestamp":"2026-12-07T19:39:00.901Z","ordinal":9,"type":"response_item","payload":{"type":"function_call","status":"completed","id":"fc_a7318791fd194498a1aadd32","name":"exec_command","arguments":"{\"cmd\": \"mkdir -p a && echo 'work of a' >a/work.txt\"}","call_id":"call_c4e1c393ba2548618b5e61f5","internal_chat_message_metadata_passthrough":{"turn_id":"01a25204-431a-7632-b07d-9e04cac5be9c"}},"metadata":{"history_sequence":4,"sampled_through_sequence":3,"client_authored":false,"user_input_order":1,"model_search_state":"unused"}}
{"timestamp":"2026-12-07T19:39:01.073Z","ordinal":13,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_usage_includes_reasoning":false,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}
{"timestamp":"2026-12-07T19:39:01.110Z","ordinal":14,"type":"response_item","payload":{"type":"function_call","status":"completed","id":"fc_f63e38dafb87439aaffa3940","name":"exec_command","arguments":"{\"cmd\": \"echo 'not mine' >../b/stolen.txt\"}","call_id":"call_244aada163974ddf9a090e60","internal_chat_message_metadata_passthrough":{"turn_id":"01a25204-431a-7632-b07d-9e04cac5be9c"}},"metadata":{"history_sequence":6,"sampled_through_sequence":5,"client_authored":false,"user_input_order":2,"model_search_state":"unused"}}
{"timestamp":"2026-12-07T19:39:01.231Z","ordinal":17,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":200,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":40,"reasoning_output_tokens":0,"total_tokens":240},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_usage_includes_reasoning":false,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}
{"timestamp":"2026-12-07T19:39:01.268Z","ordinal":18,"type":"response_item","payload":{"type":"function_call","status":"completed","id":"fc_9e0e778e7b50436a9968a634","name":"exec_command","arguments":"{\"cmd\": \"sh check.sh\"}","call_id":"call_b4342c4eb86f4a609db110d7","internal_chat_message_metadata_passthrough":{"turn_id":"01a25204-431a-7632-b07d-9e04cac5be9c"}},"metadata":{"history_sequence":8,"sampled_through_sequence":7,"client_authored":false,"user_input_order":3,"model_search_state":"unused"}}
{"timestamp":"2026-12-07T19:39:01.404Z","ordinal":22,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":300,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":60,"reasoning_output_tokens":0,"total_tokens":360},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_usage_includes_reasoning":false,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}
{"timestamp":"2026-12-07T19:39:01.426Z","ordinal":23,"type":"response_item","payload":{"type":"function_call","status":"completed","id":"fc_5400dd11aeeb42fe96ca6181","name":"exec_command","arguments":"{\"cmd\": \"git add -A && git commit -q -m 'a: its work'\"}","call_id":"call_1b011db1bf154dab95efca4a","internal_chat_message_metadata_passthrough":{"turn_id":"01a25204-431a-7632-b07d-9e04cac5be9c"}},"metadata":{"history_sequence":10,"sampled_through_sequence":9,"client_authored":false,"user_input_order":4,"model_search_state":"unused"}}
{"timestamp":"2026-12-07T19:39:01.562Z","ordinal":26,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":400,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":80,"reasoning_output_tokens":0,"total_tokens":480},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_usage_includes_reasoning":false,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}
{"timestamp":"2026-12-07T19:39:01.587Z","ordinal":30,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":500,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":100,"reasoning_output_tokens":0,"total_tokens":600},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":120},"last_usage_includes_reasoning":false,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":null,"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}
)codex";

TEST_CASE("usage: Codex's real output undercounts its turns; its session file counts each request",
          "[usage]") {
  run::UsageReader reader;
  reader.feed(codex_log);
  const auto u = reader.usage();
  REQUIRE(u);
  CHECK(u->input_tokens == 500);
  CHECK(u->output_tokens == 100);
  CHECK(u->turns == 3); // two commands and the answer: the refused ones are in no event
  CHECK(reader.codex_thread() == "01a25204-4301-75c3-8210-429760b158c3");
  CHECK(run::codex_session_turns(codex_session) == 5);
  CHECK_FALSE(run::codex_session_turns(
      "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":null}}\n"));
}

TEST_CASE("usage: a log read in pieces reads as read whole, a line cut between two pieces once", "[usage]") {
  run::UsageReader reader;
  for (std::size_t at = 0; at < codex_log.size(); at += 7) {
    reader.feed(codex_log.substr(at, 7));
    const auto so_far = reader.usage();
    const auto whole = run::read_usage(codex_log.substr(0, std::min(at + 7, codex_log.size())));
    REQUIRE(so_far.has_value() == whole.has_value());
    if (so_far) {
      CHECK(so_far->turns == whole->turns);
      CHECK(so_far->input_tokens == whole->input_tokens);
    }
  }
  CHECK(reader.usage()->turns == 3);
  run::UsageReader claude;
  claude.feed("{\"type\":\"result\",\"total_cost_usd\":0.5,\"num");
  CHECK_FALSE(claude.usage());
  claude.feed("_turns\":4}");
  REQUIRE(claude.usage()); // its last line, with no newline yet
  CHECK(claude.usage()->turns == 4);
}

TEST_CASE("usage: budgets of turns and attempts, of the run and of an agent", "[usage]") {
  auto r =
      plan::parse("name = \"p\"\n[run]\nbudget_turns = 10\nbudget_attempts = 4\n[[agent]]\nname = \"a\"\n"
                  "owns = [\"a/**\"]\nbudget_turns = 5\nbudget_attempts = 2\n[[agent]]\nname = \"b\"\n"
                  "owns = [\"b/**\"]\n",
                  "wave.toml");
  REQUIRE(r.plan);
  CHECK(r.plan->runner.budget_turns == 10);
  CHECK(r.plan->agents[0].budget_attempts == 2);
  CHECK(run::watches_usage(*r.plan, "b"));
  run::State s;
  run::WaveRun w;
  run::Attempt a;
  a.agent = "a";
  a.usage = run::Usage{std::nullopt, 3, 1, 1};
  w.attempts.push_back(a);
  s.waves.push_back(w);
  CHECK_FALSE(run::budget_spent(*r.plan, s, "a"));
  // Running, it may take its budget's turns, not one more.
  CHECK_FALSE(run::budget_passed(*r.plan, s, "a", run::Usage{std::nullopt, 2, 0, 0}));
  CHECK(run::budget_passed(*r.plan, s, "a", run::Usage{std::nullopt, 3, 0, 0}) ==
        "the budget of 'a' is passed: 6 turns of 5");
  // Its attempts: an adopted one launched nothing and counts for nothing.
  run::Attempt adopted;
  adopted.agent = "a";
  adopted.adopted = true;
  s.waves[0].attempts.push_back(adopted);
  CHECK_FALSE(run::budget_spent(*r.plan, s, "a"));
  a.usage = std::nullopt;
  s.waves[0].attempts.push_back(a);
  CHECK(run::budget_spent(*r.plan, s, "a") == "the budget of 'a' is spent: 2 attempts of 2");
  CHECK_FALSE(run::budget_spent(*r.plan, s, "b"));
  run::Attempt b;
  b.agent = "b";
  b.usage = run::Usage{std::nullopt, 7, 0, 0};
  s.waves[0].attempts.push_back(b);
  CHECK(run::budget_spent(*r.plan, s, "b") == "the run's budget is spent: 10 turns of 10");
  s.waves[0].attempts.back().usage->turns = 1;
  b.usage->turns = 0;
  s.waves[0].attempts.push_back(b);
  CHECK(run::budget_spent(*r.plan, s, "b") == "the run's budget is spent: 4 attempts of 4");
  auto none = plan::parse(
      "name = \"p\"\n[run]\nbudget_attempts = 4\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n", "wave.toml");
  REQUIRE(none.plan);
  CHECK_FALSE(run::watches_usage(*none.plan, "a"));
}
