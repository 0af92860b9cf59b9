#include <catch.hpp>

#include "cli/term.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

using namespace wave;

TEST_CASE("strings: did you mean picks the nearest command", "[strings]") {
  const std::vector<std::string> cmds{"plan", "owner", "start", "status", "gate", "merge"};
  CHECK(util::nearest("merg", cmds) == "merge");
  CHECK(util::nearest("mrege", cmds) == "merge");
  CHECK(util::nearest("stats", cmds) == "status");
  CHECK_FALSE(util::nearest("frobnicate", cmds).has_value());
}

TEST_CASE("strings: durations parse and format", "[strings]") {
  using namespace std::chrono;
  CHECK(util::parse_duration("20m") == minutes(20));
  CHECK(util::parse_duration("1h30m") == minutes(90));
  CHECK(util::parse_duration("45s") == seconds(45));
  CHECK(util::parse_duration("250ms") == milliseconds(250));
  CHECK_FALSE(util::parse_duration("").has_value());
  CHECK_FALSE(util::parse_duration("10").has_value());
  CHECK_FALSE(util::parse_duration("m").has_value());
  CHECK_FALSE(util::parse_duration("5 days").has_value());
  CHECK(util::format_duration(milliseconds(850)) == "850ms");
  CHECK(util::format_duration(seconds(245)) == "4m05s");
}

TEST_CASE("strings: colour follows git's precedence and NO_COLOR", "[strings]") {
  cli::ColorInputs in;
  in.is_tty = true;
  CHECK(cli::decide_color(in));
  in.no_color_env = true;
  CHECK_FALSE(cli::decide_color(in));
  in.flag = cli::ColorWhen::always;
  CHECK(cli::decide_color(in));
  in = {};
  in.is_tty = true;
  in.color_ui = "never";
  CHECK_FALSE(cli::decide_color(in));
  in.color_wave = "always";
  in.is_tty = false;
  CHECK(cli::decide_color(in));
  in = {};
  in.is_tty = true;
  in.term_dumb = true;
  CHECK_FALSE(cli::decide_color(in));
}

TEST_CASE("strings: a true color.ui means auto, as in git; --color takes only its three words", "[strings]") {
  cli::ColorInputs in;
  in.color_ui = "true";
  CHECK_FALSE(cli::decide_color(in)); // not a terminal
  in.is_tty = true;
  CHECK(cli::decide_color(in));
  in.no_color_env = true;
  CHECK_FALSE(cli::decide_color(in));
  CHECK(cli::parse_color_config("Yes") == cli::ColorWhen::auto_);
  CHECK(cli::parse_color_config("off") == cli::ColorWhen::never);
  CHECK(cli::parse_color_config("ALWAYS") == cli::ColorWhen::always);
  CHECK_FALSE(cli::parse_color_config("sometimes").has_value());
  CHECK(cli::parse_color_when("always") == cli::ColorWhen::always);
  CHECK_FALSE(cli::parse_color_when("true").has_value());
  CHECK_FALSE(cli::parse_color_when("yes").has_value());
}
