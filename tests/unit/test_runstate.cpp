#include <catch.hpp>

#include "git/check.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "run/state.hpp"
#include "run/store.hpp"

#include <algorithm>
#include <filesystem>
#include <unistd.h>

using namespace wave;

namespace {

// A fresh repository per test, with no global or system configuration.
class TempRepo {
public:
  TempRepo() {
    const char* base = std::getenv("WAVE_TEST_TMP");
    static int counter = 0;
    m_dir = std::filesystem::path(base != nullptr ? base : "/tmp") /
            ("runstate-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "empty");
    for (const auto level : {GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM}) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, (m_dir / "empty").c_str());
    }
    git_repository* raw = nullptr;
    git::check(git_repository_init(&raw, (m_dir / "repo").c_str(), 0), "init");
    m_repo.reset(raw);
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;
  ~TempRepo() {
    m_repo.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  git_repository* get() const { return m_repo.get(); }

private:
  std::filesystem::path m_dir;
  git::Repo m_repo;
};

run::State sample_state() {
  run::State s;
  s.run = "sync";
  s.integration = "main";
  s.plan_commit = std::string(40, 'a');
  s.created_at = "2024-05-01T12:00:00Z";
  run::WaveRun w;
  w.label = "1";
  w.base = std::string(40, 'b');
  w.started_at = "2024-05-01T12:00:01Z";
  run::AgentRun a;
  a.name = "schema";
  a.branch = "wave/sync/schema";
  a.worktree = "/tmp/x.wave/sync/schema";
  a.base = w.base;
  a.setup = run::Setup::ok;
  a.setup_log = "/tmp/x/.git/wave/sync/logs/1/schema-setup.log";
  w.agents.push_back(a);
  a.name = "loro";
  a.branch = "wave/sync/loro";
  a.setup = run::Setup::failed;
  w.agents.push_back(a);
  s.waves.push_back(w);
  return s;
}

} // namespace

TEST_CASE("runstate: a state survives a JSON round trip", "[runstate]") {
  run::State s = sample_state();
  run::GateRecord g;
  g.result = run::GateResult::pass;
  g.base = std::string(40, 'c');
  g.tips = {{"schema", std::string(40, 'd')}, {"loro", std::string(40, 'e')}};
  g.candidate = std::string(40, 'f');
  g.started_at = "2024-05-01T13:00:00Z";
  g.finished_at = "2024-05-01T13:05:00Z";
  g.steps.push_back({"build", "", "make", run::StepOutcome::pass, 1234, "/log/build", "", run::Json::object()});
  g.steps.push_back(
      {"gate", "", "make test", run::StepOutcome::timeout, 60000, "/log/gate", "timed out", run::Json::object()});
  g.culprits = {"loro"};
  g.summary = "the gate failed on the candidate";
  g.bisect_runs = 2;
  g.conflict = run::MergeConflict{"loro", {"schema"}, {"src/x.c"}};
  g.violations.push_back({"loro", "wave.toml", {}, true, std::string(40, '1')});
  s.waves[0].gate = g;
  s.waves[0].status = run::WaveStatus::merged;
  s.waves[0].merged =
      run::MergeRecord{std::string(40, 'c'),  std::string(40, 'f'), "2024-05-01T13:06:00Z", "refs/x", {},
                       "2024-05-01T13:06:02Z"};
  s.waves[0].archive = "refs/wave/sync/archive/1";
  s.waves[0].earlier_gates.push_back({"2024-05-01T12:59:00Z", "2024-05-01T13:00:00Z", run::GateResult::fail});
  run::Intent intent;
  intent.kind = run::IntentKind::merge;
  intent.keep = true;
  intent.archive = "refs/wave/sync/archive/1-1";
  intent.agents.push_back({"loro", std::string(40, 'e'), std::string(40, 'f'), "/x/wave-index"});
  s.waves[0].intent = intent;

  const std::string text = run::to_json_text(s);
  const run::State back = run::from_json_text(text);
  CHECK(run::to_json_text(back) == text);
  CHECK(back.run == "sync");
  REQUIRE(back.waves.size() == 1);
  CHECK(back.waves[0].status == run::WaveStatus::merged);
  CHECK(back.waves[0].agents[1].setup == run::Setup::failed);
  REQUIRE(back.waves[0].gate);
  CHECK(back.waves[0].gate->tips[1].first == "loro");
  CHECK(back.waves[0].gate->steps[0].duration_ms == 1234);
  CHECK(back.waves[0].archive == "refs/wave/sync/archive/1");
  CHECK(back.waves[0].gate->steps[1].status == run::StepOutcome::timeout);
  CHECK(back.waves[0].gate->steps[1].detail == "timed out");
  CHECK(back.waves[0].gate->bisect_runs == 2);
  REQUIRE(back.waves[0].gate->conflict);
  CHECK(back.waves[0].gate->conflict->paths == std::vector<std::string>{"src/x.c"});
  REQUIRE(back.waves[0].gate->violations.size() == 1);
  CHECK(back.waves[0].gate->violations[0].is_protected);
  CHECK(back.waves[0].merged->archive == "refs/x");
  CHECK(back.waves[0].merged->finished_at == "2024-05-01T13:06:02Z");
  REQUIRE(back.waves[0].earlier_gates.size() == 1);
  CHECK(back.waves[0].earlier_gates[0].finished_at == "2024-05-01T13:00:00Z");
  CHECK(back.waves[0].earlier_gates[0].result == run::GateResult::fail);
  REQUIRE(back.waves[0].intent);
  CHECK(back.waves[0].intent->kind == run::IntentKind::merge);
  CHECK(back.waves[0].intent->keep);
  CHECK(back.waves[0].intent->agents[0].index == "/x/wave-index");
  CHECK(back.pending() == &back.waves[0]);
}

TEST_CASE("runstate: a version-1 state loads; its landing marker is the merge intent", "[runstate]") {
  auto j = run::Json::parse(run::to_json_text(sample_state()));
  j["version"] = 1;
  j["waves"][0].erase("intent");
  j["waves"][0]["status"] = "merged";
  j["waves"][0]["gate"] = {{"result", "pass"},
                           {"base", std::string(40, 'c')},
                           {"steps", run::Json::array({{{"name", "gate"},
                                                        {"status", "fail"},
                                                        {"duration_ms", 5},
                                                        {"detail", "exit 2"}}})},
                           {"summary", "the gate failed"},
                           {"violations", run::Json::array()}};
  j["waves"][0]["merged"] = {{"from", std::string(40, 'c')},
                             {"to", std::string(40, 'f')},
                             {"landing", {{"pid", 12}, {"host", "box"}, {"keep", true}}}};
  const run::State s = run::from_json_text(j.dump());
  CHECK(s.version == run::state_version);
  REQUIRE(s.waves[0].intent);
  CHECK(s.waves[0].intent->kind == run::IntentKind::merge);
  CHECK(s.waves[0].intent->keep);
  CHECK(s.waves[0].gate->steps[0].detail == "exit 2");
  CHECK(s.waves[0].gate->summary == "the gate failed");
  const auto back = run::Json::parse(run::to_json_text(s));
  CHECK(back["version"] == 2);
  CHECK_FALSE(back["waves"][0]["merged"].contains("landing"));
  CHECK(back["waves"][0]["intent"]["kind"] == "merge");
}

TEST_CASE("runstate: the JSON has the documented shape", "[runstate]") {
  const auto j = run::Json::parse(run::to_json_text(sample_state()));
  CHECK(j["version"] == 2);
  CHECK(j["integration"] == "main");
  const auto& w = j["waves"][0];
  CHECK(w["status"] == "started");
  CHECK(w["gate"].is_null());
  CHECK(w["merged"].is_null());
  CHECK(w["archive"].is_null());
  CHECK(w["intent"].is_null());
  CHECK(w["agents"][0]["setup"] == "ok");
  CHECK(w["agents"][0]["branch"] == "wave/sync/schema");
}

TEST_CASE("runstate: fields a newer writer added are kept", "[runstate]") {
  auto j = run::Json::parse(run::to_json_text(sample_state()));
  j["lead"] = "claude";
  j["waves"][0]["note"] = "retry";
  j["waves"][0]["agents"][0]["pid"] = 42;
  const run::State s = run::from_json_text(j.dump());
  const auto back = run::Json::parse(run::to_json_text(s));
  CHECK(back["lead"] == "claude");
  CHECK(back["waves"][0]["note"] == "retry");
  CHECK(back["waves"][0]["agents"][0]["pid"] == 42);
}

namespace {

// A state with every kind of record filled in, each of them once at least.
run::State full_state() {
  run::State s = sample_state();
  s.plan_path = "wave.toml";
  run::WaveRun& w = s.waves[0];
  run::GateRecord g;
  g.base = std::string(40, 'c');
  g.tips = {{"schema", std::string(40, 'd')}};
  g.steps.push_back(
      {"gate", "", "make test", run::StepOutcome::fail, 5, "/log/gate", "exit 2", run::Json::object()});
  g.culprits = {"loro"};
  g.summary = "the gate failed";
  g.bisect_runs = 1;
  run::MergeConflict conflict;
  conflict.agent = "loro";
  conflict.with = {"schema"};
  conflict.paths = {"src/x.c"};
  g.conflict = conflict;
  run::Violation violation;
  violation.agent = "loro";
  violation.path = "wave.toml";
  violation.is_protected = true;
  g.violations.push_back(violation);
  w.gate = g;
  run::GateTimes earlier;
  earlier.started_at = "2024-05-01T12:59:00Z";
  earlier.finished_at = "2024-05-01T13:00:00Z";
  w.earlier_gates.push_back(earlier);
  run::MergeRecord merged;
  merged.from = std::string(40, 'c');
  merged.to = std::string(40, 'f');
  merged.at = "2024-05-01T13:06:00Z";
  w.merged = merged;
  run::Intent intent;
  intent.kind = run::IntentKind::commit;
  run::IntentAgent ia;
  ia.name = "loro";
  ia.from = std::string(40, 'e');
  ia.to = std::string(40, 'f');
  intent.agents.push_back(ia);
  w.intent = intent;
  run::Attempt attempt;
  attempt.agent = "loro";
  attempt.end = run::AttemptEnd::done;
  attempt.exit_code = 0;
  run::Usage usage;
  usage.cost_usd = 0.5;
  usage.input_tokens = 10;
  attempt.usage = usage;
  w.attempts.push_back(attempt);
  run::Pause pause;
  pause.at = "2024-05-01T13:01:00Z";
  pause.why = "a person must decide";
  w.pauses.push_back(pause);
  run::Action action;
  action.kind = run::ActionKind::skip;
  action.agent = "loro";
  action.branch = "wave/sync/loro";
  s.actions.push_back(action);
  run::Amendment amendment;
  amendment.from = std::string(40, 'a');
  amendment.to = std::string(40, '9');
  amendment.changes = {"agent 'x' added"};
  s.amendments.push_back(amendment);
  return s;
}

// Adds a field no version knows to every object of `j` but the map of tips
// (whose keys are agents), and returns where it added one.
std::vector<std::string> add_unknown_fields(run::Json& j, const std::string& at = "") {
  std::vector<std::string> where;
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      const auto inner = add_unknown_fields(j[i], at + "/" + std::to_string(i));
      where.insert(where.end(), inner.begin(), inner.end());
    }
  } else if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key != "tips") {
        const auto inner = add_unknown_fields(value, at + "/" + key);
        where.insert(where.end(), inner.begin(), inner.end());
      }
    }
    j["x_future"] = {{"at", at.empty() ? "/" : at}, {"list", {1, 2}}};
    where.push_back(at);
  }
  return where;
}

} // namespace

TEST_CASE("runstate: unknown fields are kept in every record", "[runstate]") {
  auto j = run::Json::parse(run::to_json_text(full_state()));
  const auto where = add_unknown_fields(j);
  // Every record type of the state, by where it sits in this one.
  for (const char* record :
       {"", "/waves/0", "/waves/0/agents/0", "/waves/0/gate", "/waves/0/gate/steps/0",
        "/waves/0/gate/conflict", "/waves/0/gate/violations/0", "/waves/0/earlier_gates/0", "/waves/0/merged",
        "/waves/0/intent", "/waves/0/intent/agents/0", "/waves/0/attempts/0", "/waves/0/attempts/0/usage",
        "/waves/0/pauses/0", "/actions/0", "/amendments/0"}) {
    CAPTURE(record);
    CHECK(std::find(where.begin(), where.end(), record) != where.end());
  }

  const run::State s = run::from_json_text(j.dump());
  const auto back = run::Json::parse(run::to_json_text(s));
  for (const auto& at : where) {
    CAPTURE(at);
    const auto& record = back.at(run::Json::json_pointer(at));
    REQUIRE(record.contains("x_future"));
    CHECK(record["x_future"]["at"] == (at.empty() ? "/" : at));
    CHECK(record["x_future"]["list"] == run::Json::array({1, 2}));
  }
  // Nothing else changed: read and written back, the text is the same.
  CHECK(back == j);
  CHECK(run::to_json_text(run::from_json_text(back.dump())) == back.dump(2) + "\n");
}

TEST_CASE("runstate: a known field is not duplicated as unknown", "[runstate]") {
  const run::State s = run::from_json_text(run::to_json_text(full_state()));
  CHECK(s.extra.empty());
  CHECK(s.waves[0].gate->conflict->extra.empty());
  CHECK(s.waves[0].gate->violations[0].extra.empty());
  CHECK(s.waves[0].earlier_gates[0].extra.empty());
  CHECK(s.waves[0].intent->agents[0].extra.empty());
  CHECK(s.waves[0].attempts[0].extra.empty());
  CHECK(s.waves[0].attempts[0].usage_extra.empty());
  CHECK(run::to_json_text(s) == run::to_json_text(full_state()));
}

TEST_CASE("runstate: an invalid state names the field", "[runstate]") {
  auto j = run::Json::parse(run::to_json_text(sample_state()));
  SECTION("bad enum value") {
    j["waves"][0]["agents"][1]["setup"] = "maybe";
    CHECK_THROWS_WITH(run::from_json_text(j.dump()),
                      Catch::Contains("waves[0].agents[1].setup") && Catch::Contains("'maybe'"));
  }
  SECTION("missing field") {
    j["waves"][0].erase("base");
    CHECK_THROWS_WITH(run::from_json_text(j.dump()), Catch::Contains("waves[0].base: missing"));
  }
  SECTION("wrong type") {
    j["run"] = 3;
    CHECK_THROWS_WITH(run::from_json_text(j.dump()), Catch::Contains("run: not a string"));
  }
  SECTION("other version") {
    j["version"] = 3;
    CHECK_THROWS_WITH(run::from_json_text(j.dump()), Catch::Contains("version 3 is not supported"));
  }
  SECTION("not JSON") {
    CHECK_THROWS_WITH(run::from_json_text("{"), Catch::Contains("invalid run state"));
  }
}

TEST_CASE("runstate: current wave skips aborted ones", "[runstate]") {
  run::State s = sample_state();
  CHECK(s.current()->label == "1");
  s.waves[0].status = run::WaveStatus::aborted;
  CHECK(s.current() == nullptr);
  CHECK(s.find_wave("1") == nullptr);
  s.waves.push_back(s.waves[0]);
  s.waves[1].status = run::WaveStatus::started;
  CHECK(s.current() == &s.waves[1]);
  const auto found = s.find_agent("loro");
  REQUIRE(found);
  CHECK(found->first == &s.waves[1]);
  CHECK(found->second->name == "loro");
  CHECK_FALSE(s.find_agent("nobody"));
}

TEST_CASE("runstate: timestamps are ISO-8601 UTC", "[runstate]") {
  const auto t = run::parse_time("2024-02-29T23:59:58Z");
  REQUIRE(t);
  CHECK(run::format_time(*t) == "2024-02-29T23:59:58Z");
  CHECK_FALSE(run::parse_time("2023-02-29T00:00:00Z"));
  CHECK_FALSE(run::parse_time("2024-01-01 00:00:00"));
  CHECK_FALSE(run::parse_time(""));
  CHECK(run::parse_time(run::now_text()));
}

TEST_CASE("runstate: agent branch names", "[runstate]") {
  CHECK(run::agent_branch("sync", "schema") == "wave/sync/schema");
  const auto b = run::parse_agent_branch("refs/heads/wave/sync/schema");
  REQUIRE(b);
  CHECK(b->run == "sync");
  CHECK(b->agent == "schema");
  CHECK(run::parse_agent_branch("wave/sync/schema"));
  CHECK_FALSE(run::parse_agent_branch("main"));
  CHECK_FALSE(run::parse_agent_branch("wave/sync"));
  CHECK_FALSE(run::parse_agent_branch("wave/sync/"));
  CHECK_FALSE(run::parse_agent_branch("wave//a"));
  CHECK_FALSE(run::parse_agent_branch("wave/a/b/c"));
  CHECK_FALSE(run::parse_agent_branch("refs/heads/waves/a/b"));
  run::AgentRun recorded;
  recorded.name = "schema";
  CHECK(run::branch_of("sync", recorded) == "wave/sync/schema");
  recorded.branch = "wave/other/schema";
  CHECK(run::branch_of("sync", recorded) == "wave/other/schema");
}

TEST_CASE("runstate: save and load through the state ref", "[runstate]") {
  const TempRepo repo;
  CHECK_FALSE(run::load(repo.get(), "sync"));
  const run::State s = sample_state();
  const git_oid first =
      run::save(repo.get(), "sync", s, "name = \"sync\"\n", "start wave 1: schema, loro", std::nullopt);
  const auto loaded = run::load(repo.get(), "sync");
  REQUIRE(loaded);
  CHECK(git_oid_equal(&loaded->commit, &first));
  CHECK(loaded->plan_text == "name = \"sync\"\n");
  CHECK(run::to_json_text(loaded->state) == run::to_json_text(s));

  run::State next = loaded->state;
  next.waves[0].status = run::WaveStatus::gated;
  const git_oid second = run::save(repo.get(), "sync", next, loaded->plan_text, "gate wave 1: pass", first);
  const git::Commit commit = git::lookup_commit(repo.get(), second);
  REQUIRE(git_commit_parentcount(commit.get()) == 1);
  CHECK(git_oid_equal(git_commit_parent_id(commit.get(), 0), &first));
  CHECK(std::string(git_commit_message(commit.get())) == "gate wave 1: pass\n");
  CHECK(run::load(repo.get(), "sync")->state.waves[0].status == run::WaveStatus::gated);
  CHECK(run::list_runs(repo.get()) == std::vector<std::string>{"sync"});
}

TEST_CASE("runstate: compare-and-swap lets exactly one writer win", "[runstate]") {
  const TempRepo repo;
  const run::State s = sample_state();
  const git_oid first = run::save(repo.get(), "sync", s, "plan", "start wave 1", std::nullopt);

  SECTION("creating a state that exists is refused") {
    CHECK_THROWS_AS(run::save(repo.get(), "sync", s, "plan", "start wave 1", std::nullopt), run::Conflict);
  }
  SECTION("two writers from the same state: the second is refused and nothing moves") {
    const auto a = run::load(repo.get(), "sync");
    const auto b = run::load(repo.get(), "sync");
    const git_oid won = run::save(repo.get(), "sync", a->state, a->plan_text, "writer a", a->commit);
    CHECK_THROWS_WITH(run::save(repo.get(), "sync", b->state, b->plan_text, "writer b", b->commit),
                      Catch::Contains("changed underneath; re-run"));
    const auto now = run::load(repo.get(), "sync");
    CHECK(git_oid_equal(&now->commit, &won));
  }
  SECTION("updating a state that does not exist is refused") {
    CHECK_THROWS_AS(run::save(repo.get(), "other", s, "plan", "x", first), run::Conflict);
    CHECK_FALSE(run::load(repo.get(), "other"));
  }
}

TEST_CASE("runstate: several runs are listed, other refs are not", "[runstate]") {
  const TempRepo repo;
  run::State s = sample_state();
  run::save(repo.get(), "sync", s, "plan", "start", std::nullopt);
  s.run = "auth";
  run::save(repo.get(), "auth", s, "plan", "start", std::nullopt);
  const git_oid any = *git::resolve_commit(repo.get(), "refs/wave/auth/state");
  git_reference* raw = nullptr;
  git::check(git_reference_create(&raw, repo.get(), "refs/wave/auth/archive/1", &any, 0, nullptr), "ref");
  git_reference_free(raw);
  CHECK(run::list_runs(repo.get()) == std::vector<std::string>{"auth", "sync"});
}

TEST_CASE("runstate: a state ref holding something else is reported", "[runstate]") {
  const TempRepo repo;
  run::State s = sample_state();
  run::save(repo.get(), "sync", s, "plan", "start", std::nullopt);
  const git_oid id = *git::resolve_commit(repo.get(), "refs/wave/sync/state");
  git_reference* raw = nullptr;
  git::check(git_reference_create(&raw, repo.get(), "refs/wave/other/state", &id, 0, nullptr), "ref");
  git_reference_free(raw);
  CHECK_THROWS_WITH(run::load(repo.get(), "other"), Catch::Contains("holds the state of run 'sync'"));
}
