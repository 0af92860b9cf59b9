#include <catch.hpp>

#include "runner/attempt.hpp"

#include <chrono>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace wave;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const char* base = std::getenv("WAVE_TEST_TMP");
  const auto dir = fs::path(base != nullptr ? base : "/tmp") / ("attempt-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "src" / "deep");
  std::ofstream(dir / "src" / "deep" / "old.txt") << "old\n";
  fs::create_directories(dir / "sub" / ".git");
  return dir;
}

// A moment after everything written so far, on the files' own clock.
fs::file_time_type after_now() {
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto t = fs::file_time_type::clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  return t;
}

} // namespace

TEST_CASE("attempt: a worktree left alone has not changed", "[attempt]") {
  const auto dir = fresh_dir("quiet");
  CHECK_FALSE(flow::changed_since(dir, after_now()));
}

TEST_CASE("attempt: writing, creating or removing a file anywhere is a change", "[attempt]") {
  const auto dir = fresh_dir("busy");
  auto since = after_now();
  std::ofstream(dir / "src" / "deep" / "old.txt") << "new\n";
  CHECK(flow::changed_since(dir, since));
  since = after_now();
  fs::remove(dir / "src" / "deep" / "old.txt");
  CHECK(flow::changed_since(dir, since));
  since = after_now();
  std::ofstream(dir / "src" / "new.txt") << "x\n";
  CHECK(flow::changed_since(dir, since));
}

TEST_CASE("attempt: what happens inside a nested .git folder is not the agent's work", "[attempt]") {
  const auto dir = fresh_dir("nested");
  const auto since = after_now();
  std::ofstream(dir / "sub" / ".git" / "index") << "x\n";
  CHECK_FALSE(flow::changed_since(dir, since));
}

TEST_CASE("attempt: a commit (the worktree's git dir moving) is a change", "[attempt]") {
  const auto dir = fresh_dir("commit");
  const auto git_dir = dir.parent_path() / "commit-admin";
  fs::create_directories(git_dir);
  std::ofstream(git_dir / "HEAD") << "ref: refs/heads/x\n";
  std::ofstream(dir / ".git") << "gitdir: " << git_dir.string() << "\n";
  const auto since = after_now();
  CHECK_FALSE(flow::changed_since(dir, since));
  std::ofstream(git_dir / "HEAD") << "0123\n";
  CHECK(flow::changed_since(dir, since));
}

TEST_CASE("attempt: the latest change after a time is dated; nothing newer, nothing", "[attempt]") {
  const auto dir = fresh_dir("dated");
  const auto since = after_now();
  CHECK_FALSE(flow::last_change(dir, since).has_value());
  std::ofstream(dir / "src" / "a.txt") << "a\n";
  const auto first = flow::last_change(dir, since);
  REQUIRE(first.has_value());
  CHECK(*first > since);
  CHECK_FALSE(flow::last_change(dir, *first).has_value()); // seen already
  after_now();
  std::ofstream(dir / "src" / "deep" / "b.txt") << "b\n";
  const auto second = flow::last_change(dir, since);
  REQUIRE(second.has_value());
  CHECK(*second > *first); // the latest, not the first found
}
