// git's refname rules, with real git as the oracle: every generated name is
// checked by `git check-ref-format --allow-onelevel` and `--branch` (outside
// any repository, so "@{-1}" is not expanded) and our rules must agree.
#include <catch.hpp>

#include "git/refname.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

using namespace wave::git;
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& p) {
  std::string out = "'";
  for (const char c : p.string()) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// The names: every sequence of up to three pieces, the pieces chosen for the
// rules they exercise (DEL, control characters, "..", "@{", ".lock", "/.",
// a leading '-', HEAD, '@', spaces, glob characters, UTF-8).
std::vector<std::string> generated_names() {
  const std::vector<std::string> pieces{"a", "b.",    ".", "..",       "@",    "{",    "@{",
                                        "/", ".lock", "-", "HEAD",     "\x7f", "\x01", "\x1b",
                                        " ", "~",     "*", "\xc3\xa9", "x/",   "lock"};
  std::set<std::string> names;
  for (const auto& a : pieces) {
    names.insert(a);
    for (const auto& b : pieces) {
      names.insert(a + b);
      for (const auto& c : pieces) {
        // A deterministic third of the three-piece names keeps the run short.
        if ((a.size() * 7 + b.size() * 3 + c.size() + static_cast<unsigned char>(c[0])) % 3 == 0) {
          names.insert(a + b + c);
        }
      }
    }
  }
  for (const char* extra :
       {"refs/heads/main", "feature/x.lock/y", "a/b.", "a./b", "wave/r/x", "a@b", "a{b}", "@{-1}", "main.",
        "x..y", "a//b", "/a", "a/", "a\\b", "a:b", "a^b", "a?b", "a[b"}) {
    names.insert(extra);
  }
  return {names.begin(), names.end()};
}

// What git says of each name: {onelevel valid, branch valid}.
std::vector<std::pair<bool, bool>> ask_git(const std::vector<std::string>& names) {
  const char* base_env = std::getenv("WAVE_TEST_TMP");
  const fs::path base = base_env ? fs::path(base_env) : fs::temp_directory_path();
  fs::create_directories(base);
  std::string templ = (base / "refname_oracle.XXXXXX").string();
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  const fs::path dir = templ;
  {
    std::ofstream out(dir / "names", std::ios::binary);
    for (const auto& n : names) {
      out << n << '\0';
    }
    std::ofstream script(dir / "run.sh");
    script << "export GIT_CONFIG_NOSYSTEM=1 HOME=" << quoted(dir) << " GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C\n"
           << "export GIT_CEILING_DIRECTORIES=" << quoted(dir.parent_path()) << "\n"
           << "unset GIT_DIR GIT_WORK_TREE\n"
           << "cd " << quoted(dir) << " || exit 1\n"
           << "while IFS= read -r -d '' n; do\n"
           << "  git check-ref-format --allow-onelevel \"$n\" 2>/dev/null && printf 1 || printf 0\n"
           << "  git check-ref-format --branch \"$n\" >/dev/null 2>&1 && printf 1 || printf 0\n"
           << "done < names > out\n";
  }
  REQUIRE(std::system(("bash " + quoted(dir / "run.sh")).c_str()) == 0);
  std::ifstream in(dir / "out");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::error_code ec;
  fs::remove_all(dir, ec);
  REQUIRE(out.size() == names.size() * 2);
  std::vector<std::pair<bool, bool>> verdicts;
  for (std::size_t i = 0; i < names.size(); ++i) {
    verdicts.emplace_back(out[2 * i] == '1', out[2 * i + 1] == '1');
  }
  return verdicts;
}

std::string shown(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? "\\x" + std::to_string(u) : std::string(1, c);
  }
  return out;
}

} // namespace

TEST_CASE("refname: agrees with git check-ref-format on generated names", "[refname]") {
  const auto names = generated_names();
  const auto verdicts = ask_git(names);
  std::size_t valid = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    INFO("name '" << shown(name) << "'");
    // git check-ref-format reads a leading '-' as an option.
    if (!name.starts_with('-')) {
      CHECK(!refname_problem(name, true).has_value() == verdicts[i].first);
    }
    // Stricter than git on purpose: "@" (HEAD to git's revision parser).
    const bool ours = !branch_name_problem(name).has_value();
    CHECK(ours == (verdicts[i].second && name != "@"));
    valid += ours ? 1 : 0;
  }
  CHECK(names.size() > 2000);
  CHECK(valid > 100);
}

TEST_CASE("refname: reasons name the rule", "[refname]") {
  CHECK(branch_name_problem("HEAD").value().find("HEAD") != std::string::npos);
  CHECK(branch_name_problem("-main").value() == "starts with '-'");
  CHECK(ref_component_problem("r\x7fx").value() == "contains a control character (\\x7f)");
  CHECK(ref_component_problem(std::string("r\0x", 3)).value() == "contains a control character (\\x00)");
  CHECK(ref_component_problem("a/b").value() == "contains '/'");
  CHECK(ref_component_problem("x.lock").value() == "has a component that ends with '.lock'");
  CHECK(ref_component_problem("a@{b").value() == "contains '@{'");
  CHECK(ref_component_problem("a..b").value() == "contains '..'");
  CHECK(ref_component_problem("-x").value() == "starts with '-'");
  CHECK(refname_problem("a/.b", false).value() == "has a component that starts with '.'");
  CHECK_FALSE(ref_component_problem("HEAD").has_value());
  CHECK_FALSE(ref_component_problem("event-hooks").has_value());
  CHECK_FALSE(branch_name_problem("release/1.x").has_value());
}

TEST_CASE("refname: remote names agree with git remote add", "[refname]") {
  const std::vector<std::string> names = {"origin", "up/stream", "-x",    "a..b", "a b", "x.lock",  "o@{1}",
                                          "a/.b",   "a//b",      "ok_1-", "a:b",  "a*",  ".hidden", "@",
                                          "a/",     "a\\b",      "ünï",   "HEAD", "a~1", "a^"};
  const char* base_env = std::getenv("WAVE_TEST_TMP");
  const fs::path base = base_env ? fs::path(base_env) : fs::temp_directory_path();
  fs::create_directories(base);
  std::string templ = (base / "remote_oracle.XXXXXX").string();
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  const fs::path dir = templ;
  const std::string env = "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=" + quoted(dir) + " ";
  REQUIRE(std::system((env + "git init -q " + quoted(dir / "r")).c_str()) == 0);
  for (const auto& name : names) {
    INFO("remote name '" << name << "'");
    const std::string add = env + "git -C " + quoted(dir / "r") + " remote add -- " + quoted(fs::path(name)) +
                            " file:///nowhere >/dev/null 2>&1";
    const bool git_takes = std::system(add.c_str()) == 0;
    // Stricter than git on purpose: a leading '-' would read as an option.
    CHECK(!remote_name_problem(name).has_value() == (git_takes && !name.starts_with('-')));
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
