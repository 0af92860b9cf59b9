#include <catch.hpp>

#include "gate_support.hpp"
#include "plan/compare.hpp"
#include "plan/parse.hpp"
#include "remote/verify_state.hpp"
#include "run/store.hpp"

#include <algorithm>

using namespace wave;

namespace {

const std::string bound_plan = R"(name = "r"
protected = ["wave.toml"]

[gate]
commands = ["make test"]

[[agent]]
name = "a"
task = "A"
owns = ["a/**"]

[[agent]]
name = "b"
task = "B"
owns = ["b/**"]
gate = ["make b"]
)";

const std::string forged_plan = R"(name = "r"

[gate]
commands = ["touch PWNED"]

[[agent]]
name = "a"
task = "A"
owns = ["**"]

[[agent]]
name = "b"
task = "B"
owns = []
gate = ["make b"]
)";

plan::Plan parsed(const std::string& text) {
  auto p = plan::parse(text, "wave.toml");
  REQUIRE(p.plan);
  return std::move(*p.plan);
}

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(what) != std::string::npos; });
}

// A repository with the plan committed on main and a run started from it.
struct Run {
  test::TempRepo repo{"verify"};
  git::Repo handle;
  std::string plan_commit;
  run::Stored here;

  Run() {
    repo.write("wave.toml", bound_plan);
    plan_commit = repo.commit_all("plan");
    handle = repo.open();
    run::State s;
    s.run = "r";
    s.integration = "main";
    s.plan_commit = plan_commit;
    s.plan_path = "wave.toml";
    s.created_at = "2026-01-01T00:00:00Z";
    run::save(handle.get(), "r", s, bound_plan, "start", std::nullopt);
    here = *run::load(handle.get(), "r");
  }

  // A child of this clone's state written by someone else.
  git_oid child(const std::string& plan_text, const std::function<void(run::State&)>& change = {}) {
    run::State s = here.state;
    if (change) {
      change(s);
    }
    const auto oid = run::save(handle.get(), "r", s, plan_text, "forged", here.commit);
    repo.git("update-ref refs/wave/r/state " + git::oid_str(here.commit));
    return oid;
  }

  flow::StateCheck check(const git_oid& fetched, bool with_here = true) {
    flow::StateCheck c;
    c.run = "r";
    c.remote = "origin";
    c.fetched = fetched;
    c.here = with_here ? &here : nullptr;
    c.seen = here.commit;
    c.integration = flow::trusted_integration(handle.get(), "origin", "main");
    return c;
  }
};

} // namespace

TEST_CASE("verify_state: the plans' differences are named", "[verify_state]") {
  const auto d = plan::differences(parsed(bound_plan), parsed(forged_plan));
  CHECK(mentions(d, "agent 'a' owns ** instead of a/**"));
  CHECK(mentions(d, "agent 'b' owns nothing instead of b/**"));
  CHECK(mentions(d, "protected is nothing instead of wave.toml"));
  CHECK(mentions(d, "the gate's commands changed"));
  CHECK(plan::differences(parsed(bound_plan), parsed(bound_plan)).empty());
}

TEST_CASE("verify_state: a legit forward move is accepted", "[verify_state]") {
  Run r;
  const auto fetched = r.child(bound_plan, [](run::State& s) {
    run::WaveRun w;
    w.label = "1";
    w.base = s.plan_commit;
    s.waves.push_back(w);
  });
  CHECK(flow::verify_state(r.handle.get(), r.check(fetched)).empty());
  // A clone with no record of the run (CI) accepts it too.
  auto fresh = r.check(fetched, false);
  fresh.seen.reset();
  CHECK(flow::verify_state(r.handle.get(), fresh).empty());
}

TEST_CASE("verify_state: a child recording another plan is refused, naming what changed", "[verify_state]") {
  Run r;
  const auto fetched = r.child(forged_plan);
  const auto problems = flow::verify_state(r.handle.get(), r.check(fetched));
  REQUIRE_FALSE(problems.empty());
  CHECK(problems.front().rfind("records another plan than the one bound at start: ", 0) == 0);
  CHECK(mentions(problems, "agent 'a' owns ** instead of a/**"));
  CHECK(mentions(problems, "the gate's commands changed"));

  SECTION("also in a clone with no record of the run: it is not the plan committed at start") {
    auto fresh = r.check(fetched, false);
    fresh.seen.reset();
    const auto p = flow::verify_state(r.handle.get(), fresh);
    CHECK(mentions(p, "records another plan than the one bound at start"));
  }
  SECTION("and without a recorded plan path: no file of the plan commit holds it") {
    const auto old = r.child(forged_plan, [](run::State& s) { s.plan_path.clear(); });
    auto fresh = r.check(old, false);
    fresh.seen.reset();
    CHECK(mentions(flow::verify_state(r.handle.get(), fresh),
                   "records a plan that is not the one committed at"));
    const auto honest = r.child(bound_plan, [](run::State& s) { s.plan_path.clear(); });
    auto fine = r.check(honest, false);
    fine.seen.reset();
    CHECK(flow::verify_state(r.handle.get(), fine).empty());
  }
}

TEST_CASE("verify_state: a plan bound to another commit is refused", "[verify_state]") {
  Run r;
  r.repo.write("wave.toml", forged_plan);
  r.repo.git("checkout -q -b wave/r/a");
  const auto elsewhere = r.repo.commit_all("agent plan");
  r.repo.git("checkout -q main");
  const auto fetched = r.child(forged_plan, [&](run::State& s) { s.plan_commit = elsewhere; });
  auto fresh = r.check(fetched, false);
  fresh.seen.reset();
  CHECK(mentions(flow::verify_state(r.handle.get(), fresh), "which is not on the integration branch 'main'"));
  CHECK(mentions(flow::verify_state(r.handle.get(), r.check(fetched)), "as bound at start"));
  CHECK(flow::trusted_integration(r.handle.get(), "origin", "wave/r/a").empty());
}

TEST_CASE("verify_state: only forward", "[verify_state]") {
  Run r;
  SECTION("an older state (the remote's record went back) is refused") {
    const auto older = r.here.commit;
    const auto newer = r.child(bound_plan, [](run::State& s) { s.created_at = "2026-01-02T00:00:00Z"; });
    auto c = r.check(older);
    c.seen = newer;
    const auto p = flow::verify_state(r.handle.get(), c);
    REQUIRE(p.size() == 1);
    CHECK(p.front().find("is older than the one this clone last had from 'origin'") != std::string::npos);
  }
  SECTION("a state written anew, with unrelated history, is refused") {
    r.repo.git("update-ref -d refs/wave/r/state");
    const auto anew = run::save(r.handle.get(), "r", r.here.state, bound_plan, "anew", std::nullopt);
    CHECK(mentions(flow::verify_state(r.handle.get(), r.check(anew)), "has a history unrelated to"));
    auto no_mark = r.check(anew);
    no_mark.seen.reset();
    CHECK(mentions(flow::verify_state(r.handle.get(), no_mark), "has a history unrelated to"));
  }
  SECTION("a state this clone has not published is no problem: the remote's is older, not went back") {
    auto c = r.check(r.here.commit);
    CHECK(flow::verify_state(r.handle.get(), c).empty());
  }
}

TEST_CASE("verify_state: require_verified throws naming run, remote and hint, and changes nothing",
          "[verify_state]") {
  Run r;
  const auto fetched = r.child(forged_plan);
  try {
    flow::require_verified(r.handle.get(), "origin", "r", fetched);
    FAIL("not refused");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).rfind("the state of run 'r' on 'origin' records another plan", 0) == 0);
    CHECK(e.code() == exit_code::fatal);
    bool inspect = false;
    for (const auto& h : e.hints()) {
      inspect = inspect || h.find("git log -p refs/wave-remote/origin/r/state") != std::string::npos;
    }
    CHECK(inspect);
  }
  const auto now = git::resolve_commit(r.handle.get(), "refs/wave/r/state");
  REQUIRE(now);
  CHECK(git_oid_equal(&*now, &r.here.commit) != 0);
  CHECK_FALSE(git::resolve_commit(r.handle.get(), flow::seen_ref("origin", "r")));
}

TEST_CASE("verify_state: an amendment a lead made is believed; one that changes what started, or goes "
          "elsewhere, is refused",
          "[verify_state]") {
  Run r;
  // A lead commits a later plan on main (b's gate changed) and amends the run.
  const std::string later = std::string(bound_plan) + "\n[run]\nlaunch = \"agent\"\n";
  r.repo.write("wave.toml", later);
  const auto next = r.repo.commit_all("launch the agents");
  auto amend = [&](run::State& s, const std::string& to) {
    s.plan_commit = to;
    run::Amendment a;
    a.from = r.plan_commit;
    a.to = to;
    a.changes = {"the launch command changed"};
    s.amendments.push_back(a);
  };
  const auto fine = r.child(later, [&](run::State& s) { amend(s, next); });
  CHECK(flow::verify_state(r.handle.get(), r.check(fine)).empty());

  SECTION("the same plan without the amendment recorded is refused") {
    const auto bare = r.child(later, [&](run::State& s) { s.plan_commit = next; });
    CHECK(mentions(flow::verify_state(r.handle.get(), r.check(bare)), "as bound at start"));
  }
  SECTION("an amendment to a plan committed off the integration branch is refused") {
    r.repo.write("wave.toml", forged_plan);
    r.repo.git("checkout -q -b wave/r/a");
    const auto elsewhere = r.repo.commit_all("agent plan");
    r.repo.git("checkout -q main");
    const auto forged = r.child(forged_plan, [&](run::State& s) { amend(s, elsewhere); });
    CHECK(mentions(flow::verify_state(r.handle.get(), r.check(forged)),
                   "which is not a later commit of the plan on the integration branch 'main'"));
  }
  SECTION("an amendment recording another text than the one committed is refused") {
    const auto forged = r.child(forged_plan, [&](run::State& s) { amend(s, next); });
    CHECK(mentions(flow::verify_state(r.handle.get(), r.check(forged)),
                   "records an amended plan that is not the one committed at"));
  }
  SECTION("an amendment that changes what an agent of a started wave owns is refused") {
    std::string grown = later;
    grown.replace(grown.find("owns = [\"a/**\"]"), 15, "owns = [\"**\"]");
    r.repo.write("wave.toml", grown);
    const auto grow = r.repo.commit_all("a owns everything");
    const auto forged = r.child(grown, [&](run::State& s) {
      run::WaveRun w;
      w.label = "1";
      w.base = s.plan_commit;
      run::AgentRun a;
      a.name = "a";
      a.branch = "wave/r/a";
      a.base = s.plan_commit;
      w.agents.push_back(a);
      s.waves.push_back(w);
      amend(s, grow);
    });
    CHECK(mentions(flow::verify_state(r.handle.get(), r.check(forged)), "changes what the run started"));
  }
}

TEST_CASE("verify_state: an agent dropped from a started wave is believed only for a skip this clone made",
          "[verify_state]") {
  Run r;
  auto started = [&](run::State& s) {
    run::WaveRun w;
    w.label = "1";
    w.base = s.plan_commit;
    w.started_at = "2026-01-01T00:00:01Z";
    for (const char* name : {"a", "b"}) {
      run::AgentRun a;
      a.name = name;
      a.branch = std::string("wave/r/") + name;
      a.base = s.plan_commit;
      w.agents.push_back(a);
    }
    s.waves.push_back(w);
  };
  // This clone started wave 1 and published it.
  r.here = *run::load(r.handle.get(), "r");
  run::State mine = r.here.state;
  started(mine);
  run::save(r.handle.get(), "r", mine, bound_plan, "start wave 1", r.here.commit);
  r.here = *run::load(r.handle.get(), "r");
  auto skip_b = [&](run::State& s) {
    s.waves[0].agents.pop_back();
    run::Action d;
    d.kind = run::ActionKind::skip;
    d.agent = "b";
    d.wave = "1";
    s.actions.push_back(d);
  };
  const auto forged = r.child(bound_plan, skip_b);
  CHECK(mentions(flow::verify_state(r.handle.get(), r.check(forged)), "drops agent 'b' from wave '1'"));

  // The lead's own skip, made here, then fetched back.
  run::State skipped = r.here.state;
  skip_b(skipped);
  run::save(r.handle.get(), "r", skipped, bound_plan, "skip b", r.here.commit);
  const auto seen = r.here.commit;
  r.here = *run::load(r.handle.get(), "r");
  auto c = r.check(r.here.commit);
  c.seen = seen;
  CHECK(flow::verify_state(r.handle.get(), c).empty());
}

TEST_CASE("verify_state: a changed budget or preset is a difference, of the run or of an agent",
          "[verify_state]") {
  const std::string plan = "name = \"p\"\n[run]\nagent = \"codex\"\nbudget_turns = 10\n"
                           "[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\nbudget_attempts = 2\n";
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = plan;
    text.replace(text.find(from), from.size(), to);
    return plan::differences(parsed(plan), parsed(text));
  };
  CHECK(with("budget_turns = 10", "budget_turns = 20") ==
        std::vector<std::string>{"the run's budgets (budget_usd, budget_turns, budget_attempts) changed"});
  CHECK(with("budget_attempts = 2", "budget_usd = 1.5") ==
        std::vector<std::string>{"the budgets of agent 'a' changed"});
  CHECK(with("agent = \"codex\"", "agent = \"gemini\"") ==
        std::vector<std::string>{"the agent preset changed"});
  CHECK(with("owns = [\"a/**\"]", "owns = [\"a/**\"]\nagent = \"aider\"") ==
        std::vector<std::string>{"the agent preset of agent 'a' changed"});
}
