#include <catch.hpp>

#include "util/watch.hpp"

using namespace wave;
using namespace std::chrono_literals;
using util::WatchDue;
using util::Watcher;

namespace {
const Watcher::Clock::time_point t0{};
}

TEST_CASE("watch: without limits nothing is ever due and only output is waited for", "[watch]") {
  Watcher w(util::WatchLimits{}, t0);
  CHECK(w.due(t0 + 10h) == WatchDue::nothing);
  CHECK_FALSE(w.wait(t0 + 10h).has_value());
}

TEST_CASE("watch: the timeout counts from the start, whatever the output", "[watch]") {
  util::WatchLimits limits;
  limits.timeout = 10s;
  Watcher w(limits, t0);
  w.sign_of_life(t0 + 9s);
  CHECK(w.due(t0 + 9s) == WatchDue::nothing);
  CHECK(w.wait(t0 + 9s) == 1s);
  CHECK(w.due(t0 + 10s) == WatchDue::timed_out);
}

TEST_CASE("watch: once stopping, only the kill after the grace is due", "[watch]") {
  util::WatchLimits limits;
  limits.timeout = 10s;
  limits.idle_timeout = 1s;
  limits.kill_grace = 2s;
  Watcher w(limits, t0);
  REQUIRE(w.due(t0 + 10s) == WatchDue::timed_out);
  w.stopping(t0 + 10s);
  CHECK(w.is_stopping());
  CHECK(w.due(t0 + 11s) == WatchDue::nothing);
  CHECK(w.wait(t0 + 11s) == 1s);
  CHECK(w.due(t0 + 12s) == WatchDue::kill);
  SECTION("a second stop does not restart the grace") {
    w.stopping(t0 + 11s);
    CHECK(w.due(t0 + 12s) == WatchDue::kill);
  }
}

TEST_CASE("watch: a stall is due after idle_timeout without a sign of life; a sign restarts it", "[watch]") {
  util::WatchLimits limits;
  limits.idle_timeout = 5s;
  Watcher w(limits, t0);
  CHECK(w.due(t0 + 4s) == WatchDue::nothing);
  w.sign_of_life(t0 + 4s);
  CHECK(w.due(t0 + 8s) == WatchDue::nothing);
  CHECK(w.wait(t0 + 8s) == 1s);
  CHECK(w.due(t0 + 9s) == WatchDue::idle);
  SECTION("activity the caller found counts as a sign of life") {
    w.sign_of_life(t0 + 9s);
    CHECK(w.due(t0 + 13s) == WatchDue::nothing);
    CHECK(w.due(t0 + 14s) == WatchDue::idle);
  }
}

TEST_CASE("watch: a quiet spell is told once, with its length; output starts a new spell", "[watch]") {
  util::WatchLimits limits;
  limits.quiet_after = 3s;
  Watcher w(limits, t0);
  CHECK(w.wait(t0) == 3s);
  CHECK(w.due(t0 + 2s) == WatchDue::nothing);
  CHECK(w.due(t0 + 3500ms) == WatchDue::quiet);
  CHECK(w.quiet_for(t0 + 3500ms) == 3500ms);
  CHECK(w.due(t0 + 10s) == WatchDue::nothing); // told already
  CHECK_FALSE(w.wait(t0 + 10s).has_value());
  w.sign_of_life(t0 + 10s);
  CHECK(w.due(t0 + 12s) == WatchDue::nothing);
  CHECK(w.due(t0 + 13s) == WatchDue::quiet);
}

TEST_CASE("watch: the most pressing thing is due first; waits are rounded up and at most a minute",
          "[watch]") {
  util::WatchLimits limits;
  limits.timeout = 1h;
  limits.idle_timeout = 2s;
  limits.quiet_after = 1s;
  Watcher w(limits, t0);
  CHECK(w.due(t0 + 1h) == WatchDue::timed_out); // before the stall and the quiet spell
  CHECK(w.due(t0 + 2s) == WatchDue::idle);      // before the quiet spell
  CHECK(w.wait(t0 + 500us) == 1s);              // 999.5 ms, rounded up
  util::WatchLimits hour;
  hour.timeout = 1h;
  Watcher long_one(hour, t0);
  CHECK(long_one.wait(t0) == 60s);
}

TEST_CASE("watch: a sign of life dated in the past restarts the clocks from then, never backwards",
          "[watch]") {
  util::WatchLimits limits;
  limits.idle_timeout = 5s;
  Watcher w(limits, t0);
  REQUIRE(w.due(t0 + 5s) == WatchDue::idle);
  w.sign_of_life(t0 + 2s); // a file changed 3 s before the look
  CHECK(w.due(t0 + 6s) == WatchDue::nothing);
  CHECK(w.wait(t0 + 6s) == 1s);
  CHECK(w.due(t0 + 7s) == WatchDue::idle);
  w.sign_of_life(t0 + 1s); // older than what is known: ignored
  CHECK(w.due(t0 + 7s) == WatchDue::idle);
}
