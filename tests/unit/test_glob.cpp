#include <catch.hpp>

#include "pattern/glob.hpp"
#include "pattern/matcher.hpp"

#include <string>
#include <variant>
#include <vector>

using namespace wave::pattern;

namespace {

Glob glob(std::string_view text) {
  auto compiled = Glob::compile(text);
  if (const auto* err = std::get_if<PatternError>(&compiled)) {
    FAIL("'" << text << "' rejected at " << err->offset << ": " << err->message);
  }
  return std::get<Glob>(std::move(compiled));
}

PatternError rejection(std::string_view text) {
  auto compiled = Glob::compile(text);
  if (std::holds_alternative<Glob>(compiled)) {
    FAIL("'" << text << "' was accepted");
  }
  return std::get<PatternError>(compiled);
}

struct Case {
  const char* pattern;
  const char* path;
  bool matches;
};

// Each row was checked with `git ls-files ':(glob)PATTERN'` (git 2.39).
const std::vector<Case> semantics{
    // plain text: the path itself and everything below it
    {"src/config", "src/config", true},
    {"src/config", "src/config/x/y", true},
    {"src/config", "src/configx", false},
    {"src/config", "src", false},
    {"docs/", "docs/a/b.md", true},
    {"docs/", "docs", false},
    // '*' and '?' stay within one component
    {"*.c", "a.c", true},
    {"*.c", "x/a.c", false},
    {"src/*.c", "src/a.c", true},
    {"src/*.c", "src/.c", true},
    {"src/*.c", "src/x/a.c", false},
    {"a/*", "a/b", true},
    {"a/*", "a/b/c", false},
    {"a/?", "a/b", true},
    {"a/?", "a/bc", false},
    {"a?b", "a/b", false},
    {"*", "a/b", false},
    {"*/b", "a/b", true},
    {"*/b", "a/x/b", false},
    // '**' between slashes crosses directories, "**/" may match none
    {"**", "a/b/c", true},
    {"**/a.c", "a.c", true},
    {"**/a.c", "x/y/a.c", true},
    {"x/**/a.c", "x/a.c", true},
    {"x/**/a.c", "x/y/z/a.c", true},
    {"x/**/a.c", "xa.c", false},
    {"a/**", "a/b/c", true},
    {"a/**", "a", false},
    {"a/**/", "a/b/c", false}, // only paths ending in '/' (none)
    {"a/**/", "a/**/x", true},
    {"**/b/**", "a/b/c", true},
    {"a/***/b", "a/x/y/b", true},
    // elsewhere '**' is '*'...
    {"a/x**/b", "a/xy/b", true},
    {"a/x/**y", "a/x/p/y", false},
    {"a/?**", "a/b/c", false},
    // ...except right after the literal head, where git starts wildmatch:
    // there it counts as the start of the pattern
    {"a**", "ab/c/d", true},
    {"a**/b", "ab", true},
    {"a**/b", "ax/b", true},
    {"a**/b", "a/x/b", true},
    {"a/b**/c", "a/bc", true},
    {"a/b**/c", "a/b/c", true},
    // "**" before an escaped slash crosses directories but needs one
    {"a/**\\/b", "a/x/b", true},
    {"a/**\\/b", "a/b", false},
    // brackets
    {"a[bc]", "ab", true},
    {"a[bc]", "ad", false},
    {"a[!bc]", "ad", true},
    {"a[^bc]", "ab", false},
    {"a[a-c]", "ab", true},
    {"a[c-a]", "ab", false},
    {"a[]]", "a]", true},
    {"a[!]]", "a]", false},
    {"a[-b]", "a-", true},
    {"a[b-]", "a-", true},
    {"a[a-c-e]", "a-", true},
    {"a[a-c-e]", "ad", false},
    {"a[\\]]", "a]", true},
    {"a[[:digit:]]", "a7", true},
    {"a[[:digit:]]", "ax", false},
    {"a[[:alpha:][:digit:]]", "ax", true},
    {"a[[:x]", "a:", true},
    {"a[[:x]", "a[", true},
    {"a[/]b", "a/b", false},
    {"a[!x]b", "a/b", false},
    {"a[[:space:]]", "a\t", true},
    {"a[[:space:]]", "a\v", false},
    // the literal rule uses the raw text, wildcard characters and all
    {"a*b", "a*b", true},
    {"a[b]", "a[b]", true},
    {"a[b]", "ab", true},
    {"a\\*b", "a*b", true},
    {"a\\*b", "axb", false},
    {"a*", "a*/x", true},
};

} // namespace

TEST_CASE("glob: matches like git ls-files ':(glob)PATTERN'", "[glob]") {
  for (const auto& c : semantics) {
    INFO("pattern '" << c.pattern << "', path '" << c.path << "'");
    CHECK(glob(c.pattern).matches(c.path) == c.matches);
  }
}

TEST_CASE("glob: invalid patterns are rejected with the offending offset", "[glob]") {
  struct Bad {
    std::string pattern;
    std::size_t offset;
    const char* message;
  };
  const std::vector<Bad> bad{
      {"", 0, "empty pattern"},
      {"/etc/passwd", 0, "absolute path; patterns are relative to the repository root"},
      {"../x", 0, "path component '..' is not allowed"},
      {"src/../x", 4, "path component '..' is not allowed"},
      {"src/..", 4, "path component '..' is not allowed"},
      {"./src", 0, "path component '.' is not allowed"},
      {"src/.", 4, "path component '.' is not allowed"},
      {"a//b", 2, "empty path component ('//')"},
      {"src/[ab", 4, "unbalanced '['"},
      {"src/x[]", 5, "unbalanced '['"},
      {"a*[!", 2, "unbalanced '['"},
      {"a[\\", 1, "unbalanced '['"},
      {"a[[:alpha:]", 1, "unbalanced '['"},
      {"a[[:alpah:]]", 2, "unknown character class '[:alpah:]'"},
      {"a[[::]]", 2, "unknown character class '[::]'"},
      {"src\\", 3, "trailing backslash"},
      {std::string("a\0b", 3), 1, "NUL byte in pattern"},
  };
  for (const auto& b : bad) {
    INFO("pattern '" << b.pattern << "'");
    const PatternError err = rejection(b.pattern);
    CHECK(err.offset == b.offset);
    CHECK(err.message == b.message);
  }
}

TEST_CASE("glob: odd but valid patterns are accepted", "[glob]") {
  for (const char* text : {"a/[.]/b", "a/.x", "..a", "a/...", ".git", "a\\/b", "[[:x]", "a/"}) {
    INFO(text);
    CHECK(std::holds_alternative<Glob>(Glob::compile(text)));
  }
}

TEST_CASE("glob: the fixed directory is what every match starts with", "[glob]") {
  CHECK(glob("src/config/**/*.json").fixed_dir() == "src/config");
  CHECK(glob("src/config").fixed_dir() == "src");
  CHECK(glob("src/").fixed_dir() == "src");
  CHECK(glob("src/*.c").fixed_dir() == "src");
  CHECK(glob("**/*.c").fixed_dir().empty());
  CHECK(glob("README.md").fixed_dir().empty());
  CHECK(glob("a/b[c]/d").fixed_dir() == "a");
  CHECK(glob("a/b\\*c/d").fixed_dir() == "a");
  CHECK(glob("src/config").text() == "src/config");
}

TEST_CASE("glob: the matcher finds every matching id, once, ascending", "[glob]") {
  Matcher m;
  m.add(glob("src/**"), 2);
  m.add(glob("src/*.c"), 0);
  m.add(glob("**/*.c"), 1);
  m.add(glob("src/a.c"), 2);
  m.add(glob("docs"), 3);
  m.add(glob("src/deep/er/**"), 4);
  std::vector<std::size_t> ids;
  m.matching("src/a.c", ids);
  CHECK(ids == std::vector<std::size_t>{0, 1, 2});
  m.matching("src/deep/er/x.h", ids);
  CHECK(ids == std::vector<std::size_t>{2, 4});
  m.matching("docs/x/y.md", ids);
  CHECK(ids == std::vector<std::size_t>{3});
  m.matching("lib/x.h", ids);
  CHECK(ids.empty());
  CHECK(m.matches_any("a/b/c.c"));
  CHECK_FALSE(m.matches_any("a/b/c.h"));
  CHECK(m.size() == 6);
}
