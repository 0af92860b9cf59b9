#include <catch.hpp>

#include "flow/abort.hpp"
#include "flow/merge.hpp"
#include "gate/gate.hpp"
#include "gate/record.hpp"
#include "gate_support.hpp"
#include "plan/parse.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

using namespace wave;
using test::TempRepo;
using test::trim_nl;
namespace fs = std::filesystem;

// The gate, merge and abort library on a run laid out by hand (branches,
// worktrees and a state commit as `git wave start` makes them).
namespace {

class Silent : public gate::Reporter {
public:
  void step_started(const gate::Step&) override {}
  void step_finished(const gate::Step&, const gate::StepResult&) override {}
  void note(std::string_view) override {}
};

// Some cases gate a wave in which one agent did nothing: the plan allows it.
const char* const two_agents = R"(name = "r"
allow_empty = true
[gate]
commands = ["sh check.sh"]
timeout = "30s"

[[agent]]
name = "a"
task = "Task A"
owns = ["a/**"]

[[agent]]
name = "b"
task = "Task B"
owns = ["b/**"]
)";

class Run {
public:
  explicit Run(const std::string& plan_text, const std::string& check = "exit 0") : m_repo("flow") {
    m_plan_text = plan_text;
    m_repo.write("wave.toml", plan_text);
    m_repo.write("check.sh", check + "\n");
    m_repo.write("a/keep.txt", "a\n");
    m_repo.write("b/keep.txt", "b\n");
    m_base = m_repo.commit_all("base");
    auto parsed = plan::parse(plan_text, "wave.toml");
    REQUIRE(parsed.plan);
    m_plan = *parsed.plan;
    run::State s;
    s.run = "r";
    s.integration = "main";
    s.plan_commit = m_base;
    s.created_at = run::now_text();
    run::WaveRun w;
    w.label = "1";
    w.base = m_base;
    w.started_at = run::now_text();
    for (const auto& a : m_plan.agents) {
      const fs::path wt = m_repo.dir().string() + ".wt-" + a.name;
      fs::remove_all(wt);
      m_repo.git(fmt::format("worktree add -q -b wave/r/{} '{}' main", a.name, wt.string()));
      run::AgentRun ar;
      ar.name = a.name;
      ar.branch = "wave/r/" + a.name;
      ar.worktree = wt.string();
      ar.base = m_base;
      ar.setup = run::Setup::ok;
      w.agents.push_back(ar);
    }
    s.waves.push_back(w);
    const git::Repo repo = m_repo.open();
    run::save(repo.get(), "r", s, plan_text, "start wave 1", std::nullopt);
  }

  const TempRepo& repo() const { return m_repo; }
  const std::string& base() const { return m_base; }
  fs::path wt(const std::string& agent) const { return m_repo.dir().string() + ".wt-" + agent; }
  std::string in(const std::string& agent, const std::string& args) const {
    return test::sh(wt(agent), "git " + args);
  }

  void write(const std::string& agent, const std::string& path, const std::string& content) const {
    fs::create_directories((wt(agent) / path).parent_path());
    std::ofstream(wt(agent) / path) << content;
  }
  std::string commit(const std::string& agent, const std::string& path, const std::string& content) const {
    write(agent, path, content);
    in(agent, "add -A");
    in(agent, "commit -q --no-verify -m 'work of " + agent + "'");
    return trim_nl(in(agent, "rev-parse HEAD"));
  }
  std::string main_tip() const { return trim_nl(m_repo.git("rev-parse main")); }

  run::Stored stored() const {
    const git::Repo repo = m_repo.open();
    return *run::load(repo.get(), "r");
  }

  gate::GateReport gate(bool lead_commits = true) const {
    const git::Repo repo = m_repo.open();
    const auto st = stored();
    const auto parsed = plan::parse(st.plan_text, "wave.toml");
    const plan::Ownership own(*parsed.plan);
    const auto& w = st.state.waves.back();
    auto in = gate::gate_input(repo.get(), *parsed.plan, own, st.state, w);
    in.jobs = 2;
    in.lead_commits = lead_commits;
    Silent silent;
    auto report = gate::run_gate(in, silent);
    gate::record_gate(repo.get(), "r", run::WaveId::of(st.state, w), report);
    return report;
  }

  flow::MergeOutcome merge(bool keep = false) const {
    const git::Repo repo = m_repo.open();
    const auto st = stored();
    const auto& w = st.state.waves.back();
    return flow::merge_wave(repo.get(), "r", run::WaveId::of(st.state, w), flow::MergeOptions{keep, {}});
  }

  flow::AbortOutcome abort() const {
    const git::Repo repo = m_repo.open();
    const auto st = stored();
    const auto& w = st.state.waves.back();
    return flow::abort_wave(repo.get(), "r", run::WaveId::of(st.state, w));
  }

private:
  TempRepo m_repo;
  std::string m_plan_text;
  std::string m_base;
  plan::Plan m_plan;
};

int error_code(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message != nullptr) {
      *message = e.what();
    }
    return e.code();
  }
  return 0;
}

} // namespace

TEST_CASE("wave_flow: a passing gate then merge lands one merge per agent in plan order", "[wave_flow]") {
  Run r(two_agents);
  const auto tb = r.commit("b", "b/work.txt", "b\n");
  const auto ta = r.commit("a", "a/work.txt", "a\n");
  const auto report = r.gate();
  REQUIRE(report.pass);
  REQUIRE(report.candidate);
  CHECK(r.stored().state.waves.back().status == run::WaveStatus::gated);
  CHECK(r.main_tip() == r.base());

  const auto out = r.merge();
  CHECK(r.main_tip() == git::oid_str(*report.candidate));
  CHECK(trim_nl(r.repo().git("log --first-parent --format=%s " + r.base() + "..main")) ==
        "Merge wave 1 agent 'b': Task B\nMerge wave 1 agent 'a': Task A");
  CHECK(trim_nl(r.repo().git("rev-parse main^2 main~1^2")) == tb + "\n" + ta);
  // The main worktree followed.
  CHECK(r.repo().git("status --porcelain") == "");
  CHECK(fs::exists(r.repo().dir() / "a/work.txt"));
  // Cleaned up.
  CHECK_FALSE(fs::exists(r.wt("a")));
  CHECK(r.repo().git("branch --list 'wave/*'") == "");
  CHECK(r.repo().git("for-each-ref refs/wave/r/candidate") == "");
  const auto st = r.stored();
  CHECK(st.state.waves.back().status == run::WaveStatus::merged);
  CHECK(st.state.waves.back().merged->to == r.main_tip());
  CHECK_FALSE(st.state.waves.back().merged->extra.contains("landing"));
  CHECK(out.done.size() == 4);

  std::string msg;
  CHECK(error_code([&] { r.merge(); }, &msg) == 1);
  CHECK(msg.find("already merged") != std::string::npos);
}

TEST_CASE("wave_flow: a failing gate blocks the merge and nothing moves", "[wave_flow]") {
  Run r(two_agents, "echo broken build >&2; exit 2");
  r.commit("a", "a/work.txt", "a\n");
  const auto report = r.gate();
  CHECK_FALSE(report.pass);
  CHECK(r.stored().state.waves.back().status == run::WaveStatus::failed);
  std::string msg;
  CHECK(error_code([&] { r.merge(); }, &msg) == 1);
  CHECK(msg.find("the last gate of wave 1 failed") != std::string::npos);
  CHECK(r.main_tip() == r.base());
  CHECK(fs::exists(r.wt("a")));
}

TEST_CASE("wave_flow: a tip moved after the gate makes the merge refuse, saying what moved", "[wave_flow]") {
  Run r(two_agents);
  r.commit("a", "a/work.txt", "a\n");
  REQUIRE(r.gate().pass);
  const auto moved = r.commit("b", "b/late.txt", "late\n");
  std::string msg;
  CHECK(error_code([&] { r.merge(); }, &msg) == 1);
  CHECK(msg.find("branch 'wave/r/b' moved since the gate") != std::string::npos);
  CHECK(msg.find(moved.substr(0, 7)) != std::string::npos);
  CHECK(r.main_tip() == r.base());
  CHECK(r.stored().state.waves.back().status == run::WaveStatus::gated);
}

TEST_CASE("wave_flow: a foreign file committed with --no-verify fails the gate", "[wave_flow]") {
  Run r(two_agents);
  const auto bad = r.commit("a", "b/stolen.txt", "not mine\n");
  const auto report = r.gate();
  CHECK_FALSE(report.pass);
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].agent == "a");
  CHECK(report.findings[0].describe() ==
        fmt::format("'b/stolen.txt' is owned by 'b' (commit {})", bad.substr(0, 7)));
  CHECK(report.summary == "ownership audit failed");
  REQUIRE(r.stored().state.waves.back().gate->violations.size() == 1);
  CHECK(r.stored().state.waves.back().gate->violations[0].path == "b/stolen.txt");
}

TEST_CASE("wave_flow: uncommitted work is committed in lead-commits mode and lands", "[wave_flow]") {
  Run r(two_agents);
  r.write("a", "a/new.txt", "left uncommitted\n");
  r.write("b", "b/keep.txt", "changed\n");
  r.write("b", "b/stray.o", "");
  const auto report = r.gate();
  REQUIRE(report.pass);
  REQUIRE(report.commits.size() == 2);
  CHECK(trim_nl(r.in("a", "log -1 --format=%s")) == "Task A");
  CHECK(r.in("a", "status --porcelain") == "");
  r.merge();
  CHECK(r.repo().git("show main:a/new.txt") == "left uncommitted\n");
  CHECK(r.repo().git("show main:b/keep.txt") == "changed\n");
}

TEST_CASE("wave_flow: a foreign uncommitted file refuses that agent and loses nothing", "[wave_flow]") {
  Run r(two_agents);
  r.write("a", "a/mine.txt", "mine\n");
  r.write("a", "b/theirs.txt", "theirs\n");
  const auto before = r.in("a", "status --porcelain");
  const auto report = r.gate();
  CHECK_FALSE(report.pass);
  CHECK(r.in("a", "status --porcelain") == before);
  CHECK(trim_nl(r.in("a", "rev-parse HEAD")) == r.base());
}

TEST_CASE("wave_flow: a conflicting pair fails with both names and the file, leaving no trace",
          "[wave_flow]") {
  Run r(two_agents);
  r.commit("a", "shared.txt", "from a\n");
  r.commit("b", "shared.txt", "from b\n");
  const auto refs_before = r.repo().git("for-each-ref --format='%(refname) %(objectname)' refs/heads");
  const auto report = r.gate();
  CHECK_FALSE(report.pass);
  REQUIRE(report.conflict);
  CHECK(report.conflict->agent == "b");
  CHECK(report.conflict->with == std::vector<std::string>{"a"});
  CHECK(report.conflict->paths == std::vector<std::string>{"shared.txt"});
  CHECK(report.summary.find("merge conflict: 'b' conflicts with 'a' in 'shared.txt'") != std::string::npos);
  CHECK(report.findings.size() == 2); // neither owns it either
  CHECK_FALSE(report.candidate);
  CHECK(r.main_tip() == r.base());
  CHECK(r.repo().git("for-each-ref --format='%(refname) %(objectname)' refs/heads") == refs_before);
  CHECK(r.repo().git("for-each-ref refs/wave/r/candidate") == "");
  CHECK(r.repo().git("status --porcelain") == "");
  CHECK(r.in("a", "status --porcelain") == "");
}

TEST_CASE("wave_flow: a branch conflicting with a moved integration branch names it", "[wave_flow]") {
  Run r(two_agents);
  r.commit("a", "a/x.txt", "from a\n");
  r.repo().write("a/x.txt", "from the lead\n");
  r.repo().commit_all("lead edits a/x.txt");
  const auto report = r.gate();
  REQUIRE(report.conflict);
  CHECK(report.conflict->agent == "a");
  CHECK(report.conflict->with == std::vector<std::string>{"the integration branch"});
}

TEST_CASE("wave_flow: bisect names the one agent that breaks the combined gate among four", "[wave_flow]") {
  Run r(R"(name = "r"
[gate]
commands = ["sh check.sh"]
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
[[agent]]
name = "c"
owns = ["c/**"]
[[agent]]
name = "d"
owns = ["d/**"]
)",
        "if [ -e c/bad ]; then echo c broke it >&2; exit 1; fi");
  r.commit("a", "a/ok", "1\n");
  r.commit("b", "b/ok", "1\n");
  r.commit("c", "c/bad", "1\n");
  r.commit("d", "d/ok", "1\n");
  const auto report = r.gate();
  CHECK_FALSE(report.pass);
  CHECK(report.bisected);
  CHECK(report.culprits == std::vector<std::string>{"c"});
  CHECK(report.bisect_runs == 3);
  CHECK(report.summary == "the gate failed on the candidate; 'c' breaks it (bisect: 3 gate runs)");
  CHECK(r.stored().state.waves.back().gate->culprits == std::vector<std::string>{"c"});
}

TEST_CASE("wave_flow: squash lands one commit per agent with its task", "[wave_flow]") {
  std::string plan = two_agents;
  plan.insert(plan.find("[gate]"), "merge = \"squash\"\n");
  Run r(plan);
  r.commit("a", "a/1.txt", "1\n");
  const auto a2 = r.commit("a", "a/2.txt", "2\n");
  r.commit("b", "b/1.txt", "1\n");
  REQUIRE(r.gate().pass);
  const auto out = r.merge();
  CHECK(trim_nl(r.repo().git("log --format='%P|%s' " + r.base() + "..main")).find("|Task B") !=
        std::string::npos);
  CHECK(trim_nl(r.repo().git("rev-list --count --merges " + r.base() + "..main")) == "0");
  CHECK(trim_nl(r.repo().git("rev-list --count " + r.base() + "..main")) == "2");
  // The agents' own commits stay reachable from the archive.
  REQUIRE_FALSE(out.archive.empty());
  CHECK(trim_nl(r.repo().git("rev-parse " + out.archive + "^1")) == a2);
}

TEST_CASE("wave_flow: a dirty worktree of the integration branch refuses the merge before anything moves",
          "[wave_flow]") {
  Run r(two_agents);
  r.commit("a", "a/work.txt", "a\n");
  REQUIRE(r.gate().pass);
  r.repo().write("README.local", "untracked is fine\n");
  r.repo().write("a/keep.txt", "local edit\n");
  std::string msg;
  CHECK(error_code([&] { r.merge(); }, &msg) == 128);
  CHECK(msg.find("has uncommitted changes") != std::string::npos);
  CHECK(r.main_tip() == r.base());
  CHECK(r.stored().state.waves.back().status == run::WaveStatus::gated);
  // An untracked file in the way is refused too.
  r.repo().git("checkout -q -- a/keep.txt");
  r.repo().write("a/work.txt", "in the way\n");
  CHECK(error_code([&] { r.merge(); }, &msg) == 128);
  CHECK(msg.find("cannot take the merge") != std::string::npos);
  CHECK(r.main_tip() == r.base());
}

TEST_CASE("wave_flow: a merge killed after its claim is finished by running it again", "[wave_flow]") {
  Run r(two_agents);
  r.commit("a", "a/work.txt", "a\n");
  const auto report = r.gate();
  REQUIRE(report.pass);
  {
    // What a merge killed right after recording its claim leaves behind.
    const git::Repo repo = r.repo().open();
    auto st = r.stored();
    auto& w = st.state.waves.back();
    w.status = run::WaveStatus::merged;
    w.merged = run::MergeRecord{r.base(), git::oid_str(*report.candidate), run::now_text(), "", {}, {}};
    run::Intent intent;
    intent.kind = run::IntentKind::merge;
    intent.archive = "refs/wave/r/archive/1-1";
    w.intent = intent;
    run::save(repo.get(), "r", st.state, st.plan_text, "merge wave 1: landing", st.commit);
  }
  const auto out = r.merge();
  CHECK(out.resumed);
  CHECK(r.main_tip() == git::oid_str(*report.candidate));
  CHECK(r.repo().git("status --porcelain") == "");
  CHECK_FALSE(r.stored().state.waves.back().intent);
}

TEST_CASE("wave_flow: abort keeps every commit and uncommitted work reachable", "[wave_flow]") {
  Run r(two_agents);
  const auto ta = r.commit("a", "a/work.txt", "a\n");
  r.write("b", "b/draft.txt", "not committed\n");
  const auto out = r.abort();
  REQUIRE_FALSE(out.archive.ref.empty());
  CHECK(out.archive.ref == "refs/wave/r/archive/1-1");
  CHECK(trim_nl(r.repo().git("rev-parse " + out.archive.ref + "^1")) == ta);
  CHECK(r.repo().git("show " + out.archive.ref + "^2:b/draft.txt") == "not committed\n");
  CHECK(out.saved == std::vector<std::string>{"b"});
  CHECK_FALSE(fs::exists(r.wt("a")));
  CHECK_FALSE(fs::exists(r.wt("b")));
  CHECK(r.repo().git("branch --list 'wave/*'") == "");
  const auto st = r.stored();
  CHECK(st.state.waves.back().status == run::WaveStatus::aborted);
  CHECK(st.state.waves.back().archive == out.archive.ref);
  CHECK(r.main_tip() == r.base());
}
