#include <catch.hpp>

#include "util/process.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace wave;
using namespace std::chrono_literals;

namespace {
std::filesystem::path temp_dir() {
  const char* base = std::getenv("WAVE_TEST_TMP");
  auto dir =
      std::filesystem::path(base != nullptr ? base : "/tmp") / ("process-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
} // namespace

TEST_CASE("process: exit code, output to the log, environment and cwd", "[process]") {
  const auto dir = temp_dir();
  util::ProcessOptions o;
  o.command = "echo out; echo err >&2; echo \"$WAVE_X\"; pwd; exit 3";
  o.cwd = dir;
  o.env = {{"WAVE_X", "hello"}};
  o.log = dir / "a.log";
  std::filesystem::remove(o.log);
  const auto r = util::run_process(o);
  CHECK(r.exit_code == 3);
  CHECK_FALSE(r.ok());
  CHECK(r.describe() == "exit 3");
  const auto log = slurp(o.log);
  CHECK(log == "out\nerr\nhello\n" + std::filesystem::canonical(dir).string() + "\n");
  CHECK(util::tail_lines(o.log, 2) == "hello\n" + std::filesystem::canonical(dir).string() + "\n");
}

TEST_CASE("process: a program run directly gets its arguments verbatim, without the unset variables",
          "[process]") {
  const auto dir = temp_dir();
  ::setenv("WAVE_GONE", "still here", 1);
  util::ProcessOptions o;
  o.argv = {"printf", "[%s]\\n", "two words", "'$HOME' \"*\"", "${WAVE_GONE-unset}"};
  o.unset = {"WAVE_GONE"};
  o.log = dir / "b.log";
  std::filesystem::remove(o.log);
  CHECK(util::run_process(o).ok());
  CHECK(slurp(o.log) == "[two words]\n['$HOME' \"*\"]\n[${WAVE_GONE-unset}]\n");

  o.argv = {"sh", "-c", "echo \"${WAVE_GONE-unset}\""};
  std::filesystem::remove(o.log);
  CHECK(util::run_process(o).ok());
  CHECK(slurp(o.log) == "unset\n");
  ::unsetenv("WAVE_GONE");

  o.argv = {"git-wave-no-such-program"};
  o.unset.clear();
  const auto missing = util::run_process(o);
  CHECK(missing.exit_code == 127);
}

TEST_CASE("process: a timeout kills the whole process group", "[process]") {
  const auto dir = temp_dir();
  const auto marker = dir / "grandchild-alive";
  std::filesystem::remove(marker);
  util::ProcessOptions o;
  // The grandchild would write the marker after 2s if it survived the kill.
  o.command = "(sleep 2; touch '" + marker.string() + "') & sleep 30";
  o.timeout = 300ms;
  o.kill_grace = 200ms;
  const auto r = util::run_process(o);
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
  CHECK(r.elapsed < 5s);
  ::sleep(3);
  CHECK_FALSE(std::filesystem::exists(marker));
}
