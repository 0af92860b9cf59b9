// Real git as the oracle: generated paths go into a scratch repository's
// index (no files needed), `git ls-files -z ':(glob)P'` lists what each
// generated pattern matches, and the matcher must agree on every pair.
#include <catch.hpp>

#include "pattern/glob.hpp"
#include "pattern/matcher.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>
#include <variant>
#include <vector>

using namespace wave::pattern;
namespace fs = std::filesystem;

namespace {

// Deterministic on every platform (std's distributions are not).
class Rng {
public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::size_t below(std::size_t n) {
    m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((m_state >> 33) % n);
  }
  bool chance(std::size_t percent) { return below(100) < percent; }
  template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

private:
  std::uint64_t m_state;
};

std::string quoted(const fs::path& p) {
  std::string out = "'";
  for (const char c : p.string()) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// A scratch repository whose index holds `paths`, queried with one
// `git ls-files` per pattern, in a hermetic environment.
class GitOracle {
public:
  explicit GitOracle(const std::vector<std::string>& paths) : m_paths(paths) {
    const char* base_env = std::getenv("WAVE_TEST_TMP");
    const fs::path base = base_env ? fs::path(base_env) : fs::temp_directory_path();
    fs::create_directories(base);
    std::string templ = (base / "glob_oracle.XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    m_dir = templ;
  }
  GitOracle(const GitOracle&) = delete;
  GitOracle& operator=(const GitOracle&) = delete;
  ~GitOracle() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  // For each pattern, which of the paths git lists (by index).
  std::vector<std::vector<bool>> run(const std::vector<std::string>& patterns) {
    write_nul_separated(m_dir / "patterns", patterns);
    std::vector<std::string> entries;
    for (const auto& p : m_paths) {
      entries.push_back("100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\t" + p);
    }
    write_nul_separated(m_dir / "index-info", entries);
    write_script();
    const std::string command = "bash " + quoted(m_dir / "run.sh") + " 2>" + quoted(m_dir / "stderr");
    REQUIRE(std::system(command.c_str()) == 0);
    return parse(patterns.size());
  }

private:
  static void write_nul_separated(const fs::path& file, const std::vector<std::string>& items) {
    std::ofstream out(file, std::ios::binary);
    for (const auto& item : items) {
      out << item << '\0';
    }
  }

  void write_script() const {
    std::ofstream script(m_dir / "run.sh");
    script
        << "export GIT_CONFIG_NOSYSTEM=1 HOME=" << quoted(m_dir) << " GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C\n"
        << "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR\n"
        << "cd " << quoted(m_dir) << " && git init -q repo && cd repo || exit 1\n"
        << "git update-index -z --index-info < ../index-info || exit 1\n"
        << "while IFS= read -r -d '' p; do\n"
        << "  if git ls-files -z -- \":(glob)$p\"; then printf '\\001\\000'; else printf '\\002\\000'; fi\n"
        << "done < ../patterns > ../out\n";
  }

  std::vector<std::vector<bool>> parse(std::size_t pattern_count) const {
    std::string out(fs::file_size(m_dir / "out"), '\0');
    std::ifstream in(m_dir / "out", std::ios::binary);
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    std::vector<std::vector<bool>> listed;
    std::vector<bool> current(m_paths.size(), false);
    std::size_t start = 0;
    for (std::size_t end = out.find('\0'); end != std::string::npos; end = out.find('\0', start)) {
      const std::string item = out.substr(start, end - start);
      start = end + 1;
      if (item == "\001" || item == "\002") {
        INFO("git refused pattern #" << listed.size());
        CHECK(item == "\001");
        listed.push_back(current);
        current.assign(m_paths.size(), false);
      } else {
        const auto it = std::find(m_paths.begin(), m_paths.end(), item);
        REQUIRE(it != m_paths.end());
        current[static_cast<std::size_t>(it - m_paths.begin())] = true;
      }
    }
    REQUIRE(listed.size() == pattern_count);
    return listed;
  }

  std::vector<std::string> m_paths;
  fs::path m_dir;
};

std::string component(Rng& rng) {
  static const std::vector<char> common{'a', 'b', 'c', '.'};
  static const std::vector<char> rare{'*', '?', '[', ']', '\\', '-'};
  while (true) {
    std::string c;
    const std::size_t len = 1 + rng.below(3);
    for (std::size_t i = 0; i < len; ++i) {
      c += rng.chance(8) ? rng.pick(rare) : rng.pick(common);
    }
    if (c != "." && c != "..") {
      return c;
    }
  }
}

// Paths of 1 to 4 components; no path is also a directory of another (the
// index cannot hold both).
std::vector<std::string> generate_paths(Rng& rng, std::size_t count) {
  std::set<std::string> files;
  while (files.size() < count) {
    std::string path = component(rng);
    for (std::size_t n = rng.below(4); n > 0; --n) {
      path += '/' + component(rng);
    }
    files.insert(path);
  }
  std::set<std::string> dirs;
  for (const auto& f : files) {
    for (std::size_t i = f.find('/'); i != std::string::npos; i = f.find('/', i + 1)) {
      dirs.insert(f.substr(0, i));
    }
  }
  std::vector<std::string> paths;
  for (const auto& f : files) {
    if (dirs.count(f) == 0) {
      paths.push_back(f);
    }
  }
  return paths;
}

std::string random_pattern(Rng& rng) {
  static const std::vector<std::string> tokens{
      "a",    "b",           "c",           ".",    "a",     "b",    "/",    "/",    "/",     "*",
      "*",    "**",          "**",          "***",  "?",     "[ab]", "[!a]", "[^c]", "[a-c]", "[.a]",
      "[]a]", "[[:alpha:]]", "[[:punct:]]", "[-b]", "[[:x]", "\\a",  "\\*",  "\\[",  "\\/",   "-"};
  std::string p;
  for (std::size_t n = 1 + rng.below(7); n > 0; --n) {
    p += rng.pick(tokens);
  }
  return p;
}

// A path turned into a pattern that likely matches it and its neighbours.
std::string pattern_from(Rng& rng, const std::string& path) {
  std::string p;
  for (const char c : path) {
    if (c != '/' && rng.chance(15)) {
      p += rng.chance(50) ? std::string("?") : std::string("*");
    } else if (c != '/' && rng.chance(5)) {
      p += std::string("[") + c + "b]";
    } else {
      p += c;
    }
  }
  if (const auto slash = p.rfind('/'); slash != std::string::npos && rng.chance(30)) {
    p = p.substr(0, slash) + (rng.chance(50) ? "/**" : "");
  }
  if (const auto slash = p.find('/'); slash != std::string::npos && rng.chance(20)) {
    p = "**" + p.substr(slash);
  }
  return p;
}

std::vector<std::string> generate_patterns(Rng& rng, const std::vector<std::string>& paths,
                                           std::size_t count) {
  std::set<std::string> seen;
  std::vector<std::string> patterns;
  while (patterns.size() < count) {
    const std::string p = rng.chance(40) ? pattern_from(rng, rng.pick(paths)) : random_pattern(rng);
    if (std::holds_alternative<Glob>(Glob::compile(p)) && seen.insert(p).second) {
      patterns.push_back(p);
    }
  }
  return patterns;
}

Glob compiled(const std::string& text) {
  return std::get<Glob>(Glob::compile(text));
}

bool valid_path(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == ".." || part == ".git") {
      return false;
    }
    start = end + 1;
  }
  return true;
}

bool plain_path(const std::string& path) {
  return path.find_first_of("*?[\\") == std::string::npos;
}

} // namespace

TEST_CASE("glob_oracle: the matcher agrees with git ls-files on generated trees and patterns",
          "[glob_oracle]") {
  Rng rng(20240601);
  const auto paths = generate_paths(rng, 400);
  const auto patterns = generate_patterns(rng, paths, 400);
  GitOracle git(paths);
  const auto listed = git.run(patterns);

  Matcher matcher;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    matcher.add(compiled(patterns[i]), i);
  }
  std::size_t pairs = 0;
  std::size_t positive = 0;
  std::vector<std::size_t> ids;
  for (std::size_t p = 0; p < paths.size(); ++p) {
    matcher.matching(paths[p], ids);
    const std::set<std::size_t> ours(ids.begin(), ids.end());
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      ++pairs;
      positive += listed[i][p] ? 1 : 0;
      if ((ours.count(i) != 0) != listed[i][p]) {
        FAIL_CHECK("pattern '" << patterns[i] << "', path '" << paths[p] << "': git says "
                               << (listed[i][p] ? "match" : "no match"));
      }
    }
  }
  CHECK(pairs >= 100000);
  CHECK(positive >= 1000);
}

TEST_CASE("glob_oracle: overlap finds a common path whenever git lists one for both", "[glob_oracle]") {
  Rng rng(77);
  const auto paths = generate_paths(rng, 300);
  const auto patterns = generate_patterns(rng, paths, 250);
  GitOracle git(paths);
  const auto listed = git.run(patterns);

  std::vector<Glob> globs;
  for (const auto& p : patterns) {
    globs.push_back(compiled(p));
  }
  std::size_t overlapping = 0;
  for (std::size_t i = 0; i < globs.size(); ++i) {
    for (std::size_t j = i; j < globs.size(); ++j) {
      INFO("'" << patterns[i] << "' and '" << patterns[j] << "'");
      for (const bool plain : {false, true}) {
        INFO((plain ? "plain witness" : "any witness"));
        const auto witness = overlap(globs[i], globs[j], OverlapOptions{.plain_witness = plain});
        if (witness) {
          overlapping += plain ? 0 : 1;
          INFO("witness '" << *witness << "'");
          CHECK(globs[i].matches(*witness));
          CHECK(globs[j].matches(*witness));
          CHECK(valid_path(*witness));
          CHECK((!plain || plain_path(*witness)));
          continue;
        }
        for (std::size_t p = 0; p < paths.size(); ++p) {
          if (listed[i][p] && listed[j][p] && (!plain || plain_path(paths[p]))) {
            FAIL_CHECK("no overlap found, yet git lists '" << paths[p] << "' for both");
          }
        }
      }
    }
  }
  CHECK(overlapping >= 500);
}

TEST_CASE("glob_oracle: character classes are git's, byte for byte", "[glob_oracle]") {
  std::vector<std::string> paths;
  for (unsigned c = 1; c < 256; ++c) {
    if (c != '/' && (c < 128 || c == 0x80 || c == 0xe9 || c == 0xff)) {
      paths.push_back(std::string("x") + static_cast<char>(c));
    }
  }
  std::vector<std::string> patterns{"x?", "x*", "x[!a]", "x[ -~]"};
  for (const char* name : {"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
                           "space", "upper", "xdigit"}) {
    patterns.push_back(std::string("x[[:") + name + ":]]");
    patterns.push_back(std::string("x[![:") + name + ":]]");
  }
  GitOracle git(paths);
  const auto listed = git.run(patterns);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const Glob g = compiled(patterns[i]);
    for (std::size_t p = 0; p < paths.size(); ++p) {
      if (g.matches(paths[p]) != listed[i][p]) {
        FAIL_CHECK("pattern '" << patterns[i] << "', byte "
                               << static_cast<int>(static_cast<unsigned char>(paths[p][1])) << ": git says "
                               << (listed[i][p] ? "match" : "no match"));
      }
    }
  }
}
