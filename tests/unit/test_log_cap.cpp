#include <catch.hpp>

#include "plan/parse.hpp"
#include "util/log_cap.hpp"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace wave;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  const char* base = std::getenv("WAVE_TEST_TMP");
  auto dir =
      std::filesystem::path(base != nullptr ? base : "/tmp") / ("log_cap-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir / name);
  return dir / name;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lines(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) {
    out += "line " + std::to_string(i) + "\n";
  }
  return out;
}

} // namespace

TEST_CASE("log_cap: sizes read with their units", "[log_cap]") {
  CHECK(util::parse_size("5MB") == 5000000U);
  CHECK(util::parse_size("5MiB") == 5U * 1024 * 1024);
  CHECK(util::parse_size("512 kib") == 512U * 1024);
  CHECK(util::parse_size("1.5KB") == 1500U);
  CHECK(util::parse_size("2048") == 2048U);
  CHECK(util::parse_size("none") == 0U);
  CHECK(util::parse_size("0") == 0U);
  CHECK_FALSE(util::parse_size("5XB"));
  CHECK_FALSE(util::parse_size("MB"));
  CHECK_FALSE(util::parse_size("1..5MB"));
  CHECK_FALSE(util::parse_size("-1MB"));
  CHECK_FALSE(util::parse_size("99999999999999999999999GB"));
}

TEST_CASE("log_cap: a stream within the cap is written through", "[log_cap]") {
  const auto path = temp_file("small.log");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  util::CappedLog log(fd, 4096);
  log.write(lines(1, 10));
  log.flush();
  ::close(fd);
  CHECK(slurp(path) == lines(1, 10));
  CHECK_FALSE(log.capped());
}

TEST_CASE("log_cap: past the cap, the first and the last lines are kept with a marker", "[log_cap]") {
  const auto path = temp_file("big.log");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  util::CappedLog log(fd, 2048);
  const std::string all = lines(1, 5000);
  // In chunks of all sizes, flushed now and then, as the relay does.
  std::size_t at = 0;
  for (std::size_t n = 1; at < all.size(); n = n * 3 % 997 + 1) {
    log.write(std::string_view(all).substr(at, n));
    at += std::min(n, all.size() - at);
    if (n % 7 == 0) {
      log.flush();
    }
  }
  log.flush();
  ::close(fd);
  const std::string text = slurp(path);
  CHECK(log.capped());
  CHECK(text.size() <= 2048 + 200);
  CHECK(text.rfind("line 1\nline 2\n", 0) == 0);
  CHECK(text.size() >= 12);
  CHECK(text.substr(text.size() - 10) == "line 5000\n");
  const auto marker = text.find("[git wave: ");
  REQUIRE(marker != std::string::npos);
  const auto end = text.find('\n', marker);
  const std::string head = text.substr(0, marker);
  const std::string tail = text.substr(end + 1);
  // Whole lines on both sides, and what was dropped is what the marker says.
  CHECK(head.back() == '\n');
  CHECK(tail.rfind("line ", 0) == 0);
  CHECK(all.rfind(head, 0) == 0);
  CHECK(all.substr(all.size() - tail.size()) == tail);
  const auto dropped = all.size() - head.size() - tail.size();
  CHECK(text.substr(marker, end - marker).find(std::to_string(dropped) + " bytes (") != std::string::npos);
  CHECK(log.dropped_bytes() == dropped);
}

TEST_CASE("log_cap: the plan's [run] log_cap", "[log_cap]") {
  auto plan = [](const std::string& cap) {
    return plan::parse("name = \"x\"\n[run]\nlaunch = \"sh a\"\nlog_cap = " + cap +
                           "\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n",
                       "wave.toml");
  };
  CHECK(plan::parse("name = \"x\"\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n", "wave.toml")
            .plan->runner.log_cap == util::default_log_cap);
  CHECK(plan("\"2MiB\"").plan->runner.log_cap == 2U * 1024 * 1024);
  CHECK(plan("\"none\"").plan->runner.log_cap == 0U);
  CHECK(plan("0").plan->runner.log_cap == 0U);
  CHECK(plan("100000").plan->runner.log_cap == 100000U);
  auto bad = plan("\"5XB\"");
  REQUIRE(bad.diagnostics.items.size() == 1);
  CHECK(bad.diagnostics.items[0].where.line == 4);
  CHECK(bad.diagnostics.items[0].where.column == 11);
  CHECK(bad.diagnostics.items[0].message == "invalid size '5XB' for 'log_cap'");
  CHECK(plan("\"10B\"").diagnostics.items[0].message == "'log_cap' must be at least 1024 bytes, not 10");
  CHECK(plan("true").diagnostics.items[0].message ==
        "'log_cap' must be a size string or an integer, not a boolean");
}

TEST_CASE("log_cap: a first write past the cap keeps its head", "[log_cap]") {
  const auto path = temp_file("once.log");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  util::CappedLog log(fd, 2048);
  log.write(lines(1, 3000));
  log.flush();
  ::close(fd);
  const std::string text = slurp(path);
  CHECK(text.rfind("line 1\nline 2\n", 0) == 0);
  CHECK(text.find("[git wave: ") > 900);
  CHECK(text.size() <= 2048 + 200);
}
