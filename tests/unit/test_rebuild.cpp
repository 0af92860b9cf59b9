#include <catch.hpp>

#include "gate/candidate.hpp"
#include "gate/rebuild.hpp"
#include "gate_support.hpp"
#include "plan/parse.hpp"

using namespace wave;
using test::TempRepo;
using test::trim_nl;

namespace {

const std::string plan_text = R"(name = "run"
[[agent]]
name = "a"
task = "A"
owns = ["a/**"]
[[agent]]
name = "b"
task = "B"
owns = ["b/**"]
)";

// A wave of agents a and b branched from main, gated: its record names the
// candidate build_candidate made of their tips.
struct Gated {
  TempRepo repo{"rebuild"};
  git::Repo handle;
  plan::Plan plan;
  run::State state;
  std::string base;

  Gated() {
    repo.write("README", "x\n");
    base = repo.commit_all("base");
    repo.git("checkout -q -b wave/run/a");
    repo.write("a/x", "a\n");
    const auto a = repo.commit_all("a");
    repo.git("checkout -q -b wave/run/b " + base);
    repo.write("b/x", "b\n");
    const auto b = repo.commit_all("b");
    repo.git("checkout -q main");
    handle = repo.open();
    plan = *plan::parse(plan_text, "wave.toml").plan;
    state.run = "run";
    state.integration = "main";
    run::WaveRun w;
    w.label = "1";
    w.status = run::WaveStatus::gated;
    w.base = base;
    w.agents = {run::AgentRun{"a", "wave/run/a", "", base, run::Setup::ok, "", {}},
                run::AgentRun{"b", "wave/run/b", "", base, run::Setup::ok, "", {}}};
    run::GateRecord g;
    g.result = run::GateResult::pass;
    g.base = base;
    g.tips = {{"a", a}, {"b", b}};
    gate::CandidateSpec spec;
    spec.run = "run";
    spec.wave = "1";
    spec.onto = git::oid_from(base);
    for (const auto& [agent, tip] : g.tips) {
      const auto& p = plan.agents[*plan.find(agent)];
      spec.branches.push_back(
          {agent, p.task, "wave/run/" + agent, git::oid_from(base), git::oid_from(tip), plan::title_of(p)});
    }
    g.candidate = git::oid_str(gate::build_candidate(handle.get(), spec).commit);
    w.gate = g;
    state.waves.push_back(w);
  }

  std::optional<std::string> problem() const {
    return gate::rebuild_problem(handle.get(), plan, state, state.waves.front());
  }
};

} // namespace

TEST_CASE("rebuild: the candidate the gate built is rebuilt from the recorded tips", "[rebuild]") {
  Gated g;
  CHECK_FALSE(g.problem());
}

TEST_CASE("rebuild: a candidate of anyone's choosing is refused", "[rebuild]") {
  Gated g;
  auto& gate = *g.state.waves.front().gate;
  SECTION("the gated candidate with one more commit") {
    g.repo.git("checkout -q " + gate.candidate);
    g.repo.write("b/backdoor", "x\n");
    gate.candidate = g.repo.commit_all("evil");
  }
  SECTION("the same tree, another history (a parent that is no agent's tip)") {
    const auto tree = trim_nl(g.repo.git("rev-parse " + gate.candidate + "^{tree}"));
    g.repo.git("checkout -q -b elsewhere " + g.base);
    g.repo.write("b/x", "other\n");
    const auto other = g.repo.commit_all("other");
    gate.candidate = trim_nl(g.repo.git("commit-tree " + tree + " -p " + g.base + " -p " + other + " -m m"));
  }
  SECTION("only the base") {
    gate.candidate = g.base;
  }
  const auto p = g.problem();
  REQUIRE(p);
  CHECK(p->find("is not the merge of the recorded tips onto") != std::string::npos);
}

TEST_CASE("rebuild: a branch changing what its agent does not own is refused", "[rebuild]") {
  Gated g;
  auto& gate = *g.state.waves.front().gate;
  g.repo.git("checkout -q wave/run/a");
  g.repo.write("b/y", "not a's\n");
  gate.tips.front().second = g.repo.commit_all("a: a file of b");
  const auto p = g.problem();
  REQUIRE(p);
  CHECK(p->find("agent 'a' changes what it does not own: 'b/y' is owned by 'b'") != std::string::npos);
}

TEST_CASE("rebuild: a record naming agents the plan does not have, or out of order, is refused",
          "[rebuild]") {
  Gated g;
  auto& gate = *g.state.waves.front().gate;
  SECTION("unknown") {
    gate.tips.front().first = "x\x1b";
    const auto p = g.problem();
    REQUIRE(p);
    CHECK(p->find("names agent 'x\\e'") != std::string::npos);
  }
  SECTION("out of order") {
    std::swap(gate.tips.front(), gate.tips.back());
    const auto p = g.problem();
    REQUIRE(p);
    CHECK(p->find("plan order") != std::string::npos);
  }
}
