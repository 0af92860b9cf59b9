#include <catch.hpp>

#include "cli/plan_loader.hpp"
#include "core/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace wave;

namespace {

std::filesystem::path scratch_dir() {
  const char* base = std::getenv("WAVE_TEST_TMP");
  auto dir = std::filesystem::path(base != nullptr ? base : "/tmp") / "plan_loader";
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

TEST_CASE("plan_loader: plan text given directly is parsed or rejected", "[plan_loader]") {
  const auto plan = cli::load_plan_text("name = \"r\"\n[[agent]]\nname = \"a\"\ntask = \"t\"\n", "snapshot:wave.toml");
  CHECK(plan.file == "snapshot:wave.toml");
  CHECK(plan.agents.size() == 1);
  try {
    cli::load_plan_text("name = \"r\"\n", "wave.toml");
    FAIL("an invalid plan must throw");
  } catch (const Exit& e) {
    CHECK(e.code() == exit_code::fatal);
  }
}

TEST_CASE("plan_loader: --plan is taken as given, relative to the current directory", "[plan_loader]") {
  const auto where = cli::resolve_plan_path(nullptr, "plans/x.toml");
  CHECK(where.shown == "plans/x.toml");
  CHECK(where.path == std::filesystem::current_path() / "plans/x.toml");
  CHECK_THROWS_AS(cli::resolve_plan_path(nullptr, ""), Error);
}

TEST_CASE("plan_loader: files are read whole; missing files name the plan", "[plan_loader]") {
  const auto dir = scratch_dir();
  const auto file = dir / "wave.toml";
  std::ofstream(file) << "name = \"r\"\n";
  CHECK(cli::read_plan_file({file, "wave.toml"}) == "name = \"r\"\n");
  try {
    cli::read_plan_file({dir / "missing.toml", "missing.toml"});
    FAIL("a missing plan must throw");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "cannot read plan 'missing.toml': No such file or directory");
  }
  CHECK_THROWS_AS(cli::read_plan_file({dir, "dir"}), Error);
}

TEST_CASE("plan_loader: schedule_plan stops on overlapping agents", "[plan_loader]") {
  const auto plan = cli::load_plan_text(
      "name = \"r\"\n[[agent]]\nname = \"a\"\ntask = \"t\"\nowns = [\"src/**\"]\n"
      "[[agent]]\nname = \"b\"\ntask = \"t\"\nowns = [\"src/x\"]\n",
      "wave.toml");
  CHECK_THROWS_AS(cli::schedule_plan(plan, false), Exit);
  CHECK(cli::schedule_plan(plan, true).waves.size() == 2);
}
