#include <catch.hpp>

#include "pattern/glob.hpp"

#include <string>
#include <variant>
#include <vector>

using namespace wave::pattern;

namespace {

Glob glob(std::string_view text) {
  return std::get<Glob>(Glob::compile(text));
}

std::optional<std::string> common(std::string_view a, std::string_view b) {
  return overlap(glob(a), glob(b));
}

} // namespace

TEST_CASE("overlap: the witness is a path both patterns match", "[overlap]") {
  const std::vector<std::pair<const char*, const char*>> overlapping{
      {"src/**", "src/*.c"},
      {"src/config", "src/config/x.json"},
      {"src/config/**", "src/*/x.json"},
      {"**/*.md", "docs/*"},
      {"**", "README.md"},
      {"a/**/b", "a/x/y/b"},
      {"a/**/b", "a/b"},
      {"*.[ch]", "[a-z]*.h"},
      {"docs/", "docs/**/*.txt"},
      {"a**", "a/b/c"},
      {"src/config", "src/*"},
      {"x[[:digit:]]y", "x?y"},
      {"a\\*b", "a*"},
      {"a*b", "a?b"},
      {"a*b", "a[*]b"},
      {"src/hooks/event_hooks.cpp", "src/hooks/event_hooks.cpp"},
  };
  for (const auto& [a, b] : overlapping) {
    INFO("'" << a << "' and '" << b << "'");
    const auto witness = common(a, b);
    REQUIRE(witness.has_value());
    INFO("witness '" << *witness << "'");
    CHECK(glob(a).matches(*witness));
    CHECK(glob(b).matches(*witness));
    CHECK(common(b, a).has_value());
  }
}

TEST_CASE("overlap: patterns with no path in common do not overlap", "[overlap]") {
  const std::vector<std::pair<const char*, const char*>> disjoint{
      {"src/*.c", "src/*.h"}, {"a/*", "a/b/c"},     {"src/**", "docs/**"}, {"src/config", "src/configx"},
      {"*.c", "x/*.c"},       {"a/?", "a/bc"},      {"[!a]*", "a*"},       {"x[[:digit:]]", "x[[:alpha:]]"},
      {"a/?/b", "a/?\?/b"},   {"src/**/", "src/x"}, // wildmatch would need a path ending in '/'
  };
  for (const auto& [a, b] : disjoint) {
    INFO("'" << a << "' and '" << b << "'");
    CHECK_FALSE(common(a, b).has_value());
    CHECK_FALSE(common(b, a).has_value());
  }
}

TEST_CASE("overlap: witnesses are valid paths", "[overlap]") {
  // Both would match "./x", "../x" or ".git/x", which no index can hold.
  CHECK_FALSE(common("[.]/x", "?/x").has_value());
  CHECK_FALSE(common("?\?/x", "[.][.]/x").has_value());
  CHECK_FALSE(common(".gi?/x", ".git/**").has_value());
  CHECK_FALSE(common(".GI?/x", "[.]git/**").has_value());
  // "**/" may match no directory, so this is "a/b", not "a//b".
  CHECK(common("a/**/b", "a/*b").value_or("(none)") == "a/b");
  CHECK(common("a/**", "**").value_or("(none)") == "a/a");
  CHECK(common(".g*", "**").value_or("(none)") == ".g");
}

TEST_CASE("overlap: witnesses are short and readable", "[overlap]") {
  CHECK(common("src/**", "src/*.c").value_or("(none)") == "src/a.c");
  CHECK(common("src/config", "src/**").value_or("(none)") == "src/config");
  CHECK(common("**", "**").value_or("(none)") == "a");
  CHECK(common("?", "[!a]").value_or("(none)") == "x");
  CHECK(common("**/*.md", "docs/**").value_or("(none)") == "docs/a.md");
}

TEST_CASE("overlap: a pattern overlaps itself unless it matches no valid path", "[overlap]") {
  for (const char* p : {"src/**", "a/b", "*.c", "a[bc]d", "**/x/**"}) {
    INFO(p);
    CHECK(common(p, p).has_value());
  }
  // The literal rule keeps even these alive: "a/**/" owns "a/**/x".
  CHECK(common("a/**/", "a/**/").value_or("(none)") == "a/**/a");
}

TEST_CASE("overlap: git's literal rule lets wildcard patterns own their own text", "[overlap]") {
  // git ls-files ':(glob)**/*.c' lists "**/*.md/a.c": "**/*.md" owns it too.
  CHECK(common("**/*.md", "**/*.c").value_or("(none)") == "**/*.md/a.c");
  const OverlapOptions plain{.plain_witness = true};
  CHECK_FALSE(overlap(glob("**/*.md"), glob("**/*.c"), plain).has_value());
  CHECK(overlap(glob("src/**"), glob("src/*.c"), plain).value_or("(none)") == "src/a.c");
  CHECK_FALSE(overlap(glob("a\\*b"), glob("a*"), plain).has_value());
}
