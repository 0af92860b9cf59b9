// A person's decisions about agents (accept, skip, relaunch), what they add
// up to with the attempts, and their place in the run state.
#include <catch.hpp>

#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "run/decisions.hpp"
#include "run/state.hpp"

using namespace wave;

namespace {

plan::Plan plan_of(const std::string& text) {
  auto parsed = plan::parse(text, "wave.toml");
  REQUIRE(parsed.plan);
  return std::move(*parsed.plan);
}

const char* chain = R"(name = "r"
[[agent]]
name = "api"
task = "t"
owns = ["api/**"]
[[agent]]
name = "web"
task = "t"
owns = ["web/**"]
after = ["api"]
[[agent]]
name = "cli"
task = "t"
owns = ["cli/**"]
after = ["web"]
[[agent]]
name = "docs"
task = "t"
owns = ["docs/**"]
)";

run::State started() {
  run::State s;
  s.run = "r";
  s.integration = "main";
  s.plan_commit = std::string(40, 'a');
  run::WaveRun w;
  w.label = "1";
  w.base = std::string(40, 'b');
  w.started_at = "2026-12-07T10:00:00Z";
  for (const char* name : {"api", "docs"}) {
    run::AgentRun a;
    a.name = name;
    a.branch = std::string("wave/r/") + name;
    a.base = w.base;
    w.agents.push_back(a);
  }
  s.waves.push_back(w);
  return s;
}

run::Attempt attempt(const std::string& agent, int number, run::AttemptEnd end) {
  run::Attempt a;
  a.agent = agent;
  a.number = number;
  a.end = end;
  return a;
}

run::Action action(run::ActionKind kind, const std::string& agent, int after) {
  run::Action a;
  a.kind = kind;
  a.agent = agent;
  a.wave = "1";
  a.wave_started_at = "2026-12-07T10:00:00Z";
  a.after_attempt = after;
  a.tip = std::string(40, 'c');
  return a;
}

} // namespace

TEST_CASE("decisions: attempts alone decide, the latest one counts", "[decisions]") {
  run::State s = started();
  auto& w = s.waves[0];
  CHECK(run::standing_of(s, w, "api").standing == run::Standing::open);
  w.attempts.push_back(attempt("api", 1, run::AttemptEnd::stalled));
  CHECK(run::standing_of(s, w, "api").standing == run::Standing::open);
  w.attempts.push_back(attempt("api", 2, run::AttemptEnd::done));
  const auto st = run::standing_of(s, w, "api");
  CHECK(st.standing == run::Standing::done);
  CHECK(st.launched == 2);
  CHECK(st.last->number == 2);
}

TEST_CASE("decisions: an accept holds until the agent's next attempt", "[decisions]") {
  run::State s = started();
  auto& w = s.waves[0];
  w.attempts.push_back(attempt("api", 1, run::AttemptEnd::unchanged));
  s.actions.push_back(action(run::ActionKind::accept, "api", 1));
  CHECK(run::standing_of(s, w, "api").standing == run::Standing::accepted);
  CHECK(run::standing_of(s, w, "docs").standing == run::Standing::open);
  // A later relaunch replaces it; its attempt ends both.
  s.actions.push_back(action(run::ActionKind::relaunch, "api", 1));
  CHECK(run::standing_of(s, w, "api").standing == run::Standing::relaunch);
  w.attempts.push_back(attempt("api", 2, run::AttemptEnd::failed));
  CHECK(run::standing_of(s, w, "api").standing == run::Standing::open);
}

TEST_CASE("decisions: a decision about an earlier start of the wave does not count", "[decisions]") {
  run::State s = started();
  run::Action a = action(run::ActionKind::accept, "api", 0);
  a.wave_started_at = "2026-12-07T09:00:00Z"; // the wave was aborted and started again since
  s.actions.push_back(a);
  CHECK(run::standing_of(s, s.waves[0], "api").standing == run::Standing::open);
}

TEST_CASE("decisions: an adopted attempt is done but was not launched", "[decisions]") {
  run::State s = started();
  auto& w = s.waves[0];
  w.attempts.push_back(attempt("api", 1, run::AttemptEnd::stalled));
  auto adopted = attempt("api", 2, run::AttemptEnd::done);
  adopted.adopted = true;
  w.attempts.push_back(adopted);
  const auto st = run::standing_of(s, w, "api");
  CHECK(st.standing == run::Standing::done);
  CHECK(st.launched == 1);
}

TEST_CASE("decisions: a skip takes the agents that depend on it, directly or not", "[decisions]") {
  const plan::Plan p = plan_of(chain);
  run::State s = started();
  CHECK(run::skipped_agents(s, p).empty());
  s.actions.push_back(action(run::ActionKind::skip, "api", 0));
  const auto skipped = run::skipped_agents(s, p);
  REQUIRE(skipped.size() == 3);
  CHECK(skipped.at("api") == "skipped");
  CHECK(skipped.at("web") == "depends on 'api', which is skipped");
  CHECK(skipped.at("cli") == "depends on 'web', which is skipped");
  CHECK(skipped.count("docs") == 0);
}

TEST_CASE("decisions: the next wave passes over one whose agents are all skipped", "[decisions]") {
  const plan::Plan p = plan_of(chain);
  plan::Diagnostics d;
  const auto schedule = plan::schedule(p, false, d);
  REQUIRE(schedule.waves.size() == 3);
  run::State s = started();
  CHECK(run::next_wave(p, schedule, nullptr) == 0);
  s.waves[0].status = run::WaveStatus::merged;
  CHECK(run::next_wave(p, schedule, &s) == 1);
  run::Action a = action(run::ActionKind::skip, "web", 0);
  a.wave.clear();
  s.actions.push_back(a);
  CHECK(run::next_wave(p, schedule, &s) == 3); // web and cli (after web) are out: nothing is left
}

TEST_CASE("decisions: actions, amendments and adopted attempts survive a JSON round trip", "[decisions]") {
  run::State s = started();
  auto adopted = attempt("api", 1, run::AttemptEnd::done);
  adopted.adopted = true;
  s.waves[0].attempts.push_back(adopted);
  run::Action a = action(run::ActionKind::skip, "api", 1);
  a.branch = "wave/r/api";
  a.worktree = "/tmp/r.wave/r/api";
  a.by = "Lead <lead@example.com>";
  a.reason = "done upstream";
  s.actions.push_back(a);
  run::Amendment m;
  m.from = std::string(40, 'a');
  m.to = std::string(40, 'd');
  m.changes = {"the launch command changed"};
  s.amendments.push_back(m);
  const std::string text = run::to_json_text(s);
  const run::State back = run::from_json_text(text);
  CHECK(run::to_json_text(back) == text);
  REQUIRE(back.actions.size() == 1);
  CHECK(back.actions[0].kind == run::ActionKind::skip);
  CHECK(back.actions[0].reason == "done upstream");
  CHECK(back.actions[0].worktree == "/tmp/r.wave/r/api");
  REQUIRE(back.amendments.size() == 1);
  CHECK(back.amendments[0].changes == std::vector<std::string>{"the launch command changed"});
  CHECK(back.waves[0].attempts[0].adopted);
}

TEST_CASE("decisions: fields a newer writer adds to attempts, intents and actions are kept", "[decisions]") {
  run::State s = started();
  s.waves[0].attempts.push_back(attempt("api", 1, run::AttemptEnd::failed));
  run::Intent in;
  in.kind = run::IntentKind::merge;
  s.waves[0].intent = in;
  s.actions.push_back(action(run::ActionKind::accept, "api", 1));
  auto j = run::Json::parse(run::to_json_text(s));
  j["waves"][0]["attempts"][0]["cost_usd"] = 0.25;
  j["waves"][0]["intent"]["host"] = "ci";
  j["actions"][0]["ticket"] = "T-1";
  const auto back = run::Json::parse(run::to_json_text(run::from_json_text(j.dump())));
  CHECK(back["waves"][0]["attempts"][0]["cost_usd"] == 0.25);
  CHECK(back["waves"][0]["intent"]["host"] == "ci");
  CHECK(back["actions"][0]["ticket"] == "T-1");
}

TEST_CASE("decisions: an unknown kind of action names its field", "[decisions]") {
  run::State s = started();
  s.actions.push_back(action(run::ActionKind::accept, "api", 0));
  auto j = run::Json::parse(run::to_json_text(s));
  j["actions"][0]["kind"] = "bless";
  CHECK_THROWS_WITH(run::from_json_text(j.dump()), Catch::Contains("actions[0].kind"));
}
