#include "plan/gate_guess.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace wave::plan {

namespace {

constexpr std::array<std::string_view, 13> files{
    "GNUmakefile", "makefile",       "Makefile",           "CMakeLists.txt",    "Cargo.toml",
    "go.mod",      "package.json",   "yarn.lock",          "package-lock.json", "pnpm-lock.yaml",
    "bun.lockb",   "pyproject.toml", "npm-shrinkwrap.json"};

// Does the makefile have a rule for `target` ("test:", "all test: x"; not
// a recipe line, not an assignment "test := x")?
bool has_make_target(std::string_view makefile, std::string_view target) {
  std::size_t start = 0;
  while (start < makefile.size()) {
    const std::size_t end = std::min(makefile.find('\n', start), makefile.size());
    const std::string_view line = makefile.substr(start, end - start);
    start = end + 1;
    const std::size_t colon = line.find(':');
    if (line.empty() || line[0] == '\t' || line[0] == '#' || colon == std::string_view::npos) {
      continue;
    }
    // "x := y", "x ::= y", "x :::= y" assign; "x:" and "x::" are rules.
    const std::size_t after = line.find_first_not_of(':', colon);
    if (after != std::string_view::npos && line[after] == '=') {
      continue;
    }
    const std::string_view targets = line.substr(0, colon);
    if (targets.find('=') != std::string_view::npos) {
      continue;
    }
    std::size_t pos = 0;
    while (pos < targets.size()) {
      const std::size_t word = targets.find_first_not_of(" \t", pos);
      if (word == std::string_view::npos) {
        break;
      }
      const std::size_t word_end = std::min(targets.find_first_of(" \t", word), targets.size());
      if (targets.substr(word, word_end - word) == target) {
        return true;
      }
      pos = word_end;
    }
  }
  return false;
}

void from_makefile(const std::string& name, const std::string& text, std::vector<GuessedCommand>& out) {
  out.push_back({"make", name});
  if (has_make_target(text, "test")) {
    out.push_back({"make test", name});
  } else if (has_make_target(text, "check")) {
    out.push_back({"make check", name});
  }
}

void from_cmake(const std::string& text, std::vector<GuessedCommand>& out) {
  const std::string source = "CMakeLists.txt";
  out.push_back({"cmake -S . -B build", source});
  out.push_back({"cmake --build build", source});
  if (text.find("enable_testing") != std::string::npos || text.find("CTest") != std::string::npos) {
    out.push_back({"ctest --test-dir build --output-on-failure", source});
  }
}

struct NodeTool {
  std::string install;
  std::string run; // prefix to run a script: "npm run", "yarn"
  std::string test;
};

NodeTool node_tool(const std::set<std::string>& present) {
  if (present.contains("pnpm-lock.yaml")) {
    return {"pnpm install --frozen-lockfile", "pnpm run", "pnpm test"};
  }
  if (present.contains("yarn.lock")) {
    return {"yarn install --frozen-lockfile", "yarn", "yarn test"};
  }
  if (present.contains("bun.lockb")) {
    return {"bun install --frozen-lockfile", "bun run", "bun run test"};
  }
  if (present.contains("package-lock.json") || present.contains("npm-shrinkwrap.json")) {
    return {"npm ci", "npm run", "npm test"};
  }
  return {"npm install", "npm run", "npm test"};
}

void from_package_json(const std::set<std::string>& present, const std::string& text,
                       std::vector<GuessedCommand>& out) {
  const std::string source = "package.json";
  const NodeTool tool = node_tool(present);
  // The gate runs in a fresh checkout: install the dependencies first.
  out.push_back({tool.install, source});
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("scripts") || !doc["scripts"].is_object()) {
    return;
  }
  const auto& scripts = doc["scripts"];
  for (const std::string name : {"build", "lint"}) {
    if (scripts.contains(name) && scripts[name].is_string()) {
      out.push_back({tool.run + " " + name, source});
    }
  }
  // npm init's placeholder fails on purpose: it is no test.
  if (scripts.contains("test") && scripts["test"].is_string() &&
      scripts["test"].get<std::string>().find("no test specified") == std::string::npos) {
    out.push_back({tool.test, source});
  }
}

} // namespace

std::span<const std::string_view> gate_guess_files() {
  return files;
}

std::vector<GuessedCommand> guess_gate(const std::set<std::string>& present,
                                       const std::function<std::string(std::string_view)>& read) {
  std::vector<GuessedCommand> out;
  // The name make itself would pick first.
  for (const std::string name : {"GNUmakefile", "makefile", "Makefile"}) {
    if (present.contains(name)) {
      from_makefile(name, read(name), out);
      return out;
    }
  }
  if (present.contains("CMakeLists.txt")) {
    from_cmake(read("CMakeLists.txt"), out);
  }
  if (present.contains("Cargo.toml")) {
    out.push_back({"cargo build", "Cargo.toml"});
    out.push_back({"cargo test", "Cargo.toml"});
  }
  if (present.contains("go.mod")) {
    out.push_back({"go build ./...", "go.mod"});
    out.push_back({"go test ./...", "go.mod"});
  }
  if (present.contains("package.json")) {
    from_package_json(present, read("package.json"), out);
  }
  if (present.contains("pyproject.toml") && read("pyproject.toml").find("pytest") != std::string::npos) {
    out.push_back({"python3 -m pytest", "pyproject.toml"});
  }
  return out;
}

} // namespace wave::plan
