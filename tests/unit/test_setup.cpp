#include <catch.hpp>

#include "flow/setup.hpp"

using namespace wave;
using namespace std::chrono_literals;

TEST_CASE("setup: only git's config lock failure is retried, with a growing delay, 5 attempts in all",
          "[setup]") {
  const std::string locked = "husky - install\nerror: could not lock config file .git/config: File exists\n";
  SECTION("the delay doubles from 100 ms, plus the jitter (at most 100 ms)") {
    CHECK(flow::config_lock_retry(1, locked, 0) == 100ms);
    CHECK(flow::config_lock_retry(2, locked, 30) == 230ms);
    CHECK(flow::config_lock_retry(3, locked, 0) == 400ms);
    CHECK(flow::config_lock_retry(4, locked, 500) == 900ms);
  }
  SECTION("the fifth failure is final") {
    CHECK_FALSE(flow::config_lock_retry(5, locked, 0).has_value());
  }
  SECTION("git's words are what tells it, whatever the exit status") {
    CHECK(flow::config_locked(locked));
    CHECK_FALSE(flow::config_locked("husky - install\n"));
  }
  SECTION("any other failure is final at once") {
    CHECK_FALSE(flow::config_lock_retry(1, "npm ERR! code E404\n", 0).has_value());
    CHECK_FALSE(flow::config_lock_retry(1, "", 0).has_value());
  }
}
