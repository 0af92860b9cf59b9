#include <catch.hpp>

#include "gate/steps.hpp"
#include "gate_support.hpp"

#include <mutex>

using namespace wave;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

class Recorder : public gate::Reporter {
public:
  void step_started(const gate::Step& s) override {
    const std::lock_guard lock(m);
    events.push_back("start " + s.name);
  }
  void step_finished(const gate::Step& s, const gate::StepResult& r) override {
    const std::lock_guard lock(m);
    events.push_back(std::string(gate::to_string(r.status)) + " " + s.name);
  }
  void note(std::string_view text) override {
    const std::lock_guard lock(m);
    events.emplace_back(text);
  }
  std::mutex m;
  std::vector<std::string> events;
};

gate::Step step(const std::string& name, const std::string& command, const fs::path& dir) {
  gate::Step s;
  s.name = name;
  s.command = command;
  s.cwd = dir;
  s.log = dir / (name + ".log");
  s.timeout = 20s;
  return s;
}

} // namespace

TEST_CASE("steps: a group stops at its first failure, the rest is skipped", "[steps]") {
  const auto dir = test::test_root() / "steps-stop";
  fs::create_directories(dir);
  Recorder rec;
  const auto results =
      gate::run_groups({{step("one", "echo $WAVE_X; exit 3", dir), step("two", "touch ran", dir)},
                        {step("three", "true", dir)}},
                       1, rec);
  REQUIRE(results.size() == 2);
  CHECK(results[0][0].status == gate::StepStatus::fail);
  CHECK(results[0][0].detail == "exit 3");
  CHECK(results[0][1].status == gate::StepStatus::skipped);
  CHECK(results[1][0].status == gate::StepStatus::pass);
  CHECK_FALSE(fs::exists(dir / "ran"));
  CHECK(rec.events ==
        std::vector<std::string>{"start one", "fail one", "skipped two", "start three", "pass three"});
}

TEST_CASE("steps: groups run in parallel up to -j", "[steps]") {
  const auto dir = test::test_root() / "steps-parallel";
  fs::create_directories(dir);
  // Each waits for the other: only passes when both run at the same time.
  const std::string wait_for =
      "i=0; while [ ! -e %s ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ -e %s ]";
  auto cmd = [&](const std::string& mine, const std::string& other) {
    std::string w = wait_for;
    w.replace(w.find("%s"), 2, other);
    w.replace(w.find("%s"), 2, other);
    return "touch " + mine + "; " + w;
  };
  Recorder rec;
  const auto results = gate::run_groups(
      {{step("a", cmd("a.flag", "b.flag"), dir)}, {step("b", cmd("b.flag", "a.flag"), dir)}}, 2, rec);
  CHECK(results[0][0].status == gate::StepStatus::pass);
  CHECK(results[1][0].status == gate::StepStatus::pass);
}

TEST_CASE("steps: environment, log and timeout", "[steps]") {
  const auto dir = test::test_root() / "steps-env";
  fs::create_directories(dir);
  Recorder rec;
  auto s = step("env", "echo \"run=$WAVE_RUN\"", dir);
  s.env = {{"WAVE_RUN", "r1"}};
  const auto r = gate::run_step(s, rec);
  CHECK(r.status == gate::StepStatus::pass);
  std::ifstream in(s.log);
  std::string line;
  std::getline(in, line);
  CHECK(line == "run=r1");

  auto slow = step("slow", "sleep 30", dir);
  slow.timeout = 200ms;
  const auto t = gate::run_step(slow, rec);
  CHECK(t.status == gate::StepStatus::timeout);
  CHECK(t.detail.find("timed out") == 0);
}
