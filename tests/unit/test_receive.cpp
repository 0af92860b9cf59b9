#include <catch.hpp>
#include <fmt/format.h>

#include "core/error.hpp"
#include "gate/receive.hpp"
#include "gate/receive_landing.hpp"
#include "gate/receive_roles.hpp"

#include <map>
#include <optional>


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

TEST_CASE("receive: the pusher is the first identity source that is set", "[receive]") {
  const std::map<std::string, std::string> env = {{"REMOTE_USER", "web-user"}, {"WAVE_PUSHER", "ssh-user"},
                                                  {"GL_USERNAME", ""}};
  const auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const auto pusher = gate::find_pusher(gate::default_identity_sources(), lookup);
  CHECK(pusher.identity == "web-user"); // GL_USERNAME is empty: not set
  CHECK(pusher.source == "REMOTE_USER");
  CHECK(gate::find_pusher({"WAVE_PUSHER"}, lookup).identity == "ssh-user");
  CHECK(gate::find_pusher({"NOTHING"}, lookup).identity.empty());
}

TEST_CASE("receive: a push certificate's key names the pusher only when git verified it", "[receive]") {
  std::map<std::string, std::string> env = {{"GIT_PUSH_CERT_KEY", "ABCDEF0123456789"},
                                            {"GIT_PUSH_CERT_STATUS", "B"},
                                            {"GIT_PUSH_CERT_NONCE_STATUS", "OK"}};
  const auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const std::vector<std::string> sources = {"GIT_PUSH_CERT_KEY"};
  CHECK(gate::find_pusher(sources, lookup).identity.empty()); // bad signature
  env["GIT_PUSH_CERT_STATUS"] = "G";
  env["GIT_PUSH_CERT_NONCE_STATUS"] = "BAD";
  CHECK(gate::find_pusher(sources, lookup).identity.empty()); // replayed
  env["GIT_PUSH_CERT_NONCE_STATUS"] = "OK";
  CHECK(gate::find_pusher(sources, lookup).identity == "ABCDEF0123456789");
}

TEST_CASE("receive: agent grants name an agent of any run or of one run", "[receive]") {
  const auto any = gate::parse_agent_grant("alice a");
  REQUIRE(any);
  CHECK(any->identity == "alice");
  CHECK(any->run.empty());
  CHECK(any->agent == "a");
  const auto one = gate::parse_agent_grant("  Bob Smith <bob@x>  demo/b ");
  REQUIRE(one);
  CHECK(one->identity == "Bob Smith <bob@x>");
  CHECK(one->run == "demo");
  CHECK(one->agent == "b");
  CHECK_FALSE(gate::parse_agent_grant("alice"));
  CHECK_FALSE(gate::parse_agent_grant("alice /b"));
  CHECK_FALSE(gate::parse_agent_grant("alice demo/"));
  CHECK_FALSE(gate::parse_agent_grant("alice demo/b/c"));
}

TEST_CASE("receive: roles: leads, agents of their runs, and nobody else", "[receive]") {
  gate::Roles roles;
  CHECK_FALSE(roles.configured());
  roles.leads = {"lead"};
  roles.agents = {{"alice", "", "a"}, {"bob", "demo", "b"}};
  CHECK(roles.configured());
  CHECK(roles.role_of("lead") == gate::Role::lead);
  CHECK(roles.role_of("alice") == gate::Role::agent);
  CHECK(roles.role_of("mallory") == gate::Role::none);
  CHECK(roles.role_of("") == gate::Role::none);
  CHECK(roles.acts_as("alice", "demo", "a"));
  CHECK(roles.acts_as("alice", "other", "a"));
  CHECK_FALSE(roles.acts_as("alice", "demo", "b"));
  CHECK(roles.acts_as("bob", "demo", "b"));
  CHECK_FALSE(roles.acts_as("bob", "other", "b"));
  CHECK_FALSE(roles.acts_as("lead", "demo", "a"));
}
