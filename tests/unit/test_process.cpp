#include <catch.hpp>

#include "util/process.hpp"

#include <fcntl.h>
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

  // `env` wins over `unset` for one variable: removed, then set.
  o.argv = {"sh", "-c", "echo \"$WAVE_GONE\""};
  o.env = {{"WAVE_GONE", "set again"}};
  std::filesystem::remove(o.log);
  CHECK(util::run_process(o).ok());
  CHECK(slurp(o.log) == "set again\n");
}

TEST_CASE("process: the program is looked up in PATH as execvp would, never in the child's directory",
          "[process]") {
  const auto dir = temp_dir() / "lookup";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "shadow" / "wave-tool"); // a directory of that name
  std::filesystem::create_directories(dir / "bin");
  std::filesystem::create_directories(dir / "work");
  for (const auto& [file, text] : {std::pair{dir / "bin" / "wave-tool", "#!/bin/sh\necho from bin\n"},
                                   std::pair{dir / "work" / "wave-tool", "#!/bin/sh\necho from cwd\n"}}) {
    std::ofstream(file) << text;
    std::filesystem::permissions(file, std::filesystem::perms::owner_all);
  }
  util::ProcessOptions o;
  o.argv = {"wave-tool"};
  o.cwd = dir / "work";
  o.log = dir / "log";
  // A directory earlier in PATH is passed over; the PATH given in `env` is the one searched.
  o.env = {{"PATH", (dir / "shadow").string() + ":" + (dir / "bin").string()}};
  CHECK(util::run_process(o).ok());
  CHECK(slurp(o.log) == "from bin\n");
  // Not in PATH: an error before anything runs, not ./wave-tool of the child's directory.
  o.env = {{"PATH", (dir / "shadow").string()}};
  CHECK_THROWS_WITH(util::run_process(o), Catch::Contains("not found in PATH"));
  // A relative entry is read from the child's directory, as execvp in the child would.
  o.env = {{"PATH", "."}};
  std::filesystem::remove(o.log);
  CHECK(util::run_process(o).ok());
  CHECK(slurp(o.log) == "from cwd\n");
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

TEST_CASE("process: a quiet spell is told once, and again after the command speaks", "[process]") {
  for (const bool direct : {false, true}) {
    util::ProcessOptions o;
    o.command = "sleep 0.6; echo awake; sleep 0.6";
    o.log = temp_dir() / (direct ? "quiet-direct.log" : "quiet-pipe.log");
    std::filesystem::remove(o.log);
    o.direct_log = direct;
    o.quiet_after = 250ms;
    std::vector<std::chrono::milliseconds> told;
    o.on_quiet = [&](std::chrono::milliseconds quiet) { told.push_back(quiet); };
    const auto r = util::run_process(o);
    CHECK(r.ok());
    REQUIRE(told.size() == 2);
    CHECK(told[0] >= 250ms);
    CHECK(slurp(o.log) == "awake\n");
  }
}

TEST_CASE("process: stderr apart from stdout, and output told as it comes", "[process]") {
  const auto dir = temp_dir();
  const auto err_path = dir / "stderr";
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(err >= 0);
  std::string out;
  std::string told;
  util::ProcessOptions o;
  o.command = "echo one; echo oops >&2; echo two";
  o.capture = &out;
  o.stderr_fd = err;
  o.on_output = [&](std::string_view chunk) { told.append(chunk); };
  const auto r = util::run_process(o);
  ::close(err);
  CHECK(r.ok());
  CHECK(out == "one\ntwo\n");
  CHECK(told == out);
  CHECK(slurp(err_path) == "oops\n");
}
