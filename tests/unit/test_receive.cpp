#include <catch.hpp>
#include <fmt/format.h>

#include "core/error.hpp"
#include "gate/receive.hpp"
#include "gate/receive_landing.hpp"


using namespace wave;

TEST_CASE("receive: pre-receive's input lines become ref updates", "[receive]") {
  const std::string zero(40, '0');
  const std::string a(40, 'a');
  const auto updates = gate::parse_updates(zero + " " + a + " refs/heads/wave/r/x\n\n" + a + " " + zero +
                                           " refs/wave/r/claims/x\n");
  REQUIRE(updates.size() == 2);
  CHECK(updates[0].ref == "refs/heads/wave/r/x");
  CHECK(git_oid_is_zero(&updates[0].old_id));
  CHECK_FALSE(git_oid_is_zero(&updates[0].new_id));
  CHECK(git_oid_is_zero(&updates[1].new_id));
  CHECK(gate::parse_updates("").empty());
}

TEST_CASE("receive: a line that is not one is an error, shown safely", "[receive]") {
  CHECK_THROWS_AS(gate::parse_updates("hello world"), Error);
  CHECK_THROWS_AS(
      gate::parse_updates(fmt::format("{} {} refs/heads/x", std::string(40, 'z'), std::string(40, '0'))),
      Error);
  try {
    gate::parse_updates("\x1b]0;x\a");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find('\x1b') == std::string::npos);
  }
}

TEST_CASE("receive: the integration branch lands only the wave a state records as merged there", "[receive]") {
  git_oid from{};
  git_oid to{};
  git_oid other{};
  git_oid_fromstr(&from, std::string(40, '1').c_str());
  git_oid_fromstr(&to, std::string(40, '2').c_str());
  git_oid_fromstr(&other, std::string(40, '3').c_str());
  run::State state;
  run::WaveRun& w = state.waves.emplace_back();
  w.label.assign(1, '1');
  w.status = run::WaveStatus::merged;
  w.gate = run::GateRecord{};
  w.gate->result = run::GateResult::pass;
  w.gate->candidate = std::string(40, '2');
  w.merged = run::MergeRecord{};
  w.merged->from = std::string(40, '1');
  w.merged->to = std::string(40, '2');
  CHECK(gate::landing_wave(state, from, to) == &state.waves[0]);
  CHECK(gate::landing_wave(state, other, to) == nullptr); // not from the branch's tip
  CHECK(gate::landing_wave(state, from, other) == nullptr);
  state.waves[0].gate->result = run::GateResult::fail;
  CHECK(gate::landing_wave(state, from, to) == nullptr);
  state.waves[0].gate->result = run::GateResult::pass;
  state.waves[0].status = run::WaveStatus::gated; // passed, not merged
  CHECK(gate::landing_wave(state, from, to) == nullptr);
}
