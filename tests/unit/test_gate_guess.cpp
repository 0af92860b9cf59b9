#include <catch.hpp>

#include "plan/gate_guess.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace wave::plan;

namespace {

// guess_gate() over a tree holding `files` (name -> contents); the commands.
std::vector<std::string> guess(const std::map<std::string, std::string>& files) {
  std::set<std::string> present;
  for (const auto& [name, text] : files) {
    present.insert(name);
  }
  std::vector<std::string> commands;
  for (const auto& c :
       guess_gate(present, [&](std::string_view name) { return files.at(std::string(name)); })) {
    commands.push_back(c.command);
  }
  return commands;
}

using List = std::vector<std::string>;

} // namespace

TEST_CASE("gate_guess: nothing to go by, nothing guessed", "[gate_guess]") {
  CHECK(guess({}).empty());
  CHECK(guess({{"README.md", "# x"}}).empty());
  CHECK(guess({{"pyproject.toml", "[project]\nname = \"x\"\n"}}).empty());
}

TEST_CASE("gate_guess: a Makefile's test or check target", "[gate_guess]") {
  CHECK(guess({{"Makefile", "all:\n\tcc x.c\ntest: all\n\t./t\n"}}) == List{"make", "make test"});
  CHECK(guess({{"Makefile", "all:\n\tcc x.c\ncheck:\n\t./t\n"}}) == List{"make", "make check"});
  CHECK(guess({{"Makefile", ".PHONY: all\nall test:: x\n"}}) == List{"make", "make test"});
  // Not rules: a recipe line, assignments, a comment, a longer name.
  CHECK(guess({{"Makefile", "all:\n\ttest: x\ntest := 1\ntest ::= 2\n# test:\ntests:\n"}}) == List{"make"});
}

TEST_CASE("gate_guess: a Makefile drives the rest", "[gate_guess]") {
  CHECK(guess({{"Makefile", "test:\n"}, {"Cargo.toml", ""}, {"package.json", "{}"}}) ==
        List{"make", "make test"});
  CHECK(guess({{"GNUmakefile", "all:\n"}, {"Makefile", "test:\n"}}) == List{"make"});
}

TEST_CASE("gate_guess: CMake, with ctest when it has tests", "[gate_guess]") {
  CHECK(guess({{"CMakeLists.txt", "project(x)\n"}}) == List{"cmake -S . -B build", "cmake --build build"});
  CHECK(guess({{"CMakeLists.txt", "project(x)\nenable_testing()\n"}}) ==
        List{"cmake -S . -B build", "cmake --build build", "ctest --test-dir build --output-on-failure"});
}

TEST_CASE("gate_guess: Cargo, Go and pytest", "[gate_guess]") {
  CHECK(guess({{"Cargo.toml", "[package]\n"}}) == List{"cargo build", "cargo test"});
  CHECK(guess({{"go.mod", "module x\n"}}) == List{"go build ./...", "go test ./..."});
  CHECK(guess({{"pyproject.toml", "[tool.pytest.ini_options]\n"}}) == List{"python3 -m pytest"});
  CHECK(guess({{"go.mod", ""}, {"Cargo.toml", ""}}) ==
        List{"cargo build", "cargo test", "go build ./...", "go test ./..."});
}

TEST_CASE("gate_guess: package.json scripts with the lock file's tool", "[gate_guess]") {
  const std::string scripts = R"({"scripts": {"test": "jest", "build": "tsc", "start": "node ."}})";
  CHECK(guess({{"package.json", scripts}}) == List{"npm install", "npm run build", "npm test"});
  CHECK(guess({{"package.json", scripts}, {"package-lock.json", ""}}) ==
        List{"npm ci", "npm run build", "npm test"});
  CHECK(guess({{"package.json", scripts}, {"yarn.lock", ""}}) ==
        List{"yarn install --frozen-lockfile", "yarn build", "yarn test"});
  CHECK(guess({{"package.json", scripts}, {"pnpm-lock.yaml", ""}}) ==
        List{"pnpm install --frozen-lockfile", "pnpm run build", "pnpm test"});
  CHECK(guess({{"package.json", R"({"scripts": {"lint": "eslint ."}})"}}) ==
        List{"npm install", "npm run lint"});
  // npm init's placeholder test fails on purpose; a broken package.json still installs.
  CHECK(
      guess({{"package.json", R"({"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}})"}}) ==
      List{"npm install"});
  CHECK(guess({{"package.json", "{not json"}}) == List{"npm install"});
}

TEST_CASE("gate_guess: every guessed command names its file", "[gate_guess]") {
  std::set<std::string> present{"CMakeLists.txt", "go.mod"};
  for (const auto& c : guess_gate(present, [](std::string_view) { return std::string(); })) {
    CHECK(present.contains(c.source));
  }
  for (const auto name : {"Makefile", "Cargo.toml", "package.json", "yarn.lock", "pyproject.toml"}) {
    const auto files = gate_guess_files();
    CHECK(std::find(files.begin(), files.end(), std::string_view(name)) != files.end());
  }
}
