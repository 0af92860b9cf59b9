#include <catch.hpp>
#include <fmt/format.h>

#include "core/error.hpp"
#include "gate/receive.hpp"

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
