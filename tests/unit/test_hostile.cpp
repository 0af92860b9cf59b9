// Hostile plans (issue 10): names git would refuse, control characters,
// numbers out of range, patterns too complex to compare, messages that are
// safe to print. Each case was accepted, wrapped, garbled or unbounded before.
#include <catch.hpp>

#include "pattern/candidates.hpp"
#include "pattern/glob.hpp"
#include "plan/owned.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "util/duration.hpp"
#include "gate_support.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

using namespace wave;
using namespace wave::plan;

namespace {

std::vector<std::string> errors(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.items) {
    if (d.severity == Severity::error) {
      out.push_back(fmt::format("{}:{}: {}", d.where.line, d.where.column, d.message));
    }
  }
  return out;
}

ParseResult parse_plan(const std::string& text) {
  return parse(text, "wave.toml");
}

// A one-agent plan with `line` added at the top.
std::string with(const std::string& line) {
  return fmt::format("name = \"r\"\n{}\n[[agent]]\nname = \"a\"\ntask = \"t\"\nowns = [\"src/**\"]\n", line);
}

bool every_error_has_a_hint(const ParseResult& r) {
  return std::all_of(r.diagnostics.items.begin(), r.diagnostics.items.end(),
                     [](const Diagnostic& d) { return d.severity != Severity::error || !d.hint.empty(); });
}

pattern::Glob glob(std::string_view text) {
  return std::get<pattern::Glob>(pattern::Glob::compile(text));
}

} // namespace

TEST_CASE("hostile: names that would become broken refs are refused with git's reason", "[hostile]") {
  CHECK(
      errors(parse_plan("name = \"r\\u007fx\"\n[[agent]]\nname = \"a\"\nowns = [\"x\"]\n")) ==
      std::vector<std::string>{"1:8: invalid plan name 'r\\x7fx': it contains a control character (\\x7f)"});
  CHECK(
      errors(parse_plan("name = \"r\\u0000x\"\n[[agent]]\nname = \"a\"\nowns = [\"x\"]\n")) ==
      std::vector<std::string>{"1:8: invalid plan name 'r\\x00x': it contains a control character (\\x00)"});
  CHECK(errors(parse_plan("name = \"r\"\n[[agent]]\nname = \"a@{1}\"\nowns = [\"x\"]\n")) ==
        std::vector<std::string>{"3:8: invalid agent name 'a@{1}': it contains '@{'"});
  CHECK(errors(parse_plan("name = \"-r\"\n[[agent]]\nname = \"a.lock\"\nowns = [\"x\"]\n")) ==
        std::vector<std::string>{
            "1:8: invalid plan name '-r': it starts with '-'",
            "3:8: invalid agent name 'a.lock': it has a component that ends with '.lock'"});
  CHECK(errors(parse_plan(with("base = \"HEAD\""))) ==
        std::vector<std::string>{"2:8: invalid branch name 'HEAD' for 'base': it is 'HEAD', which names the "
                                 "current commit, not a branch"});
  CHECK(errors(parse_plan(with("base = \"-main\""))) ==
        std::vector<std::string>{"2:8: invalid branch name '-main' for 'base': it starts with '-'"});
  CHECK(errors(parse_plan(with("base = \"a/.b\""))) ==
        std::vector<std::string>{
            "2:8: invalid branch name 'a/.b' for 'base': it has a component that starts with '.'"});
  CHECK(parse_plan(with("base = \"release/1.x\"")).plan);
}

TEST_CASE("hostile: control characters in paths and commands are refused at the character", "[hostile]") {
  const auto r = parse_plan(R"(name = "r"
worktrees = "../wt/{agent}\u0000x"
setup = ["npm ci\n rm -rf /"]
copy = [".env\u001b"]
[gate]
commands = ["make\ttest"]
[[agent]]
name = "a"
owns = ["src/\u0007**"]
gate = ["ok", "x\u007f"]
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "2:27: control character in 'worktrees': '../wt/{agent}\\x00x'",
                         "3:17: control character in 'setup': 'npm ci\\n rm -rf /'",
                         "4:14: control character in 'copy': '.env\\e'",
                         "6:18: control character in 'commands': 'make\\ttest'",
                         "9:14: control character in 'owns': 'src/\\x07**'",
                         "10:17: control character in 'gate': 'x\\x7f'",
                     });
  CHECK(every_error_has_a_hint(r));
}

TEST_CASE("hostile: a worktrees template inside the repository is refused", "[hostile]") {
  CHECK(
      errors(parse_plan(with("worktrees = \"wt/{agent}\""))) ==
      std::vector<std::string>{
          "2:13: 'worktrees' template 'wt/{agent}' puts the worktrees inside the repository's working tree"});
  CHECK(errors(parse_plan(with("worktrees = \"{repo}/../repo/.git/{agent}\""))).size() == 1);
  CHECK(parse_plan(with("worktrees = \"../wt/{run}/{agent}\"")).plan);
  CHECK(parse_plan(with("worktrees = \"/tmp/wt/{agent}\"")).plan); // start checks it against the repository
  CHECK(worktree_location_problem("/r/repo/.git/wt/a", "/elsewhere", "/r/repo/.git/").value() ==
        "the worktree '/r/repo/.git/wt/a' would be inside the git dir '/r/repo/.git/'");
  CHECK(worktree_location_problem("/r/repo/x", "/r/repo", "").has_value());
  CHECK_FALSE(worktree_location_problem("/r/repo.wave/r/a", "/r/repo", "/r/repo/.git").has_value());
}

TEST_CASE("hostile: numbers and durations out of range are located 'too large' errors", "[hostile]") {
  const auto r = parse_plan(R"(name = "r"
max_parallel = 9223372036854775807
[gate]
timeout = "99999999999999999999h"
[[agent]]
name = "a"
owns = ["a/**"]
[[agent]]
name = "b"
owns = ["b/**"]
after = ["a"]
wave = 2147483647
estimate = "1000h1ms"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "2:16: 'max_parallel' is too large: 9223372036854775807 (at most 1000000)",
                         "4:11: duration '99999999999999999999h' for 'timeout' is too large (at most 1000h)",
                         "12:8: 'wave' is too large: 2147483647 (at most 1000000)",
                         "13:12: duration '1000h1ms' for 'estimate' is too large (at most 1000h)",
                     });
  CHECK(every_error_has_a_hint(r));
  // The largest pin keeps a dependent after its dependency.
  const auto ok = parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\nowns = [\"a\"]\nwave = 1000000\n"
                             "[[agent]]\nname = \"b\"\nowns = [\"b\"]\nafter = [\"a\"]\n");
  REQUIRE(ok.plan);
  Diagnostics d;
  const auto s = schedule(*ok.plan, false, d);
  CHECK(s.waves.size() == 2);
  CHECK(s.waves[0].level == 1000000);
  CHECK(s.waves[1].level == 1000001);
  CHECK(util::parse_duration("1000h") == util::max_duration);
  CHECK(util::parse_duration("99999999999999999999999h") ==
        util::max_duration + std::chrono::milliseconds(1));
  CHECK(util::parse_duration("999999h999999h999999h") == util::max_duration + std::chrono::milliseconds(1));
  CHECK_FALSE(util::parse_duration("99999999999999999999999x"));
}

TEST_CASE("hostile: every mistake of a plan is reported in one run, overlaps included", "[hostile]") {
  const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "a"
owns = ["src/**"]
[[agent]]
name = "b"
owns = ["src/x/**"]
estimate = "forever"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "7:9: agents 'a' and 'b' of wave 1 both own 'src/x/a' (by 'src/**' and 'src/x/**')",
                         "8:12: invalid duration 'forever' for 'estimate'",
                     });
}

TEST_CASE("hostile: '.' components are accepted and dropped, as git does", "[hostile]") {
  const auto r = parse_plan(R"(name = "r"
protected = ["./wave.toml"]
[[agent]]
name = "a"
owns = ["./src/**", "lib/./x.c", "docs/.", "."]
)");
  REQUIRE(r.plan);
  std::vector<std::string> owns;
  for (const auto& p : r.plan->agents[0].owns) {
    owns.push_back(p.value);
  }
  CHECK(owns == std::vector<std::string>{"src/**", "lib/x.c", "docs/", "**"});
  CHECK(r.plan->protected_paths[0].value == "wave.toml");
  CHECK_FALSE(parse_plan(with("protected = [\"../x\"]")).plan);
}

TEST_CASE("hostile: messages escape control characters and shorten long keys", "[hostile]") {
  const auto r = parse_plan(with("\"\\u001b]0;pwned\\u0007\" = 1\n" + std::string(100000, 'k') + " = 2"));
  const auto e = errors(r);
  REQUIRE(e.size() == 2);
  CHECK(e[0] == "2:1: unknown key '\\e]0;pwned\\x07' in the plan");
  CHECK(e[1].size() < 200);
  CHECK(e[1].find("... (100000 bytes)") != std::string::npos);
  CHECK(every_error_has_a_hint(r));
  CHECK(util::escape_control("a\x1b[31mb\xc2\x9b\xff\n") == "a\\e[31mb\\u009b\\xff\\n");
  CHECK(util::escape_control("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(util::shown(std::string(10, 'x'), 4) == "xxxx... (10 bytes)");
}

TEST_CASE("hostile: TOML errors name duplicate keys cleanly and leak no build settings", "[hostile]") {
  const auto dup = parse_plan("name = \"r\"\n\"name\" = \"r\"\n");
  CHECK(errors(dup) == std::vector<std::string>{
                           "2:10: TOML syntax error: duplicate key 'name': it is already defined above"});
  CHECK(every_error_has_a_hint(dup));
  const auto deep = parse_plan("x = " + std::string(300, '[') + std::string(300, ']') + "\n");
  REQUIRE(errors(deep).size() == 1);
  CHECK(errors(deep)[0].find("TOML_") == std::string::npos);
  CHECK(errors(deep)[0].find("nested value depth") != std::string::npos);
}

TEST_CASE("hostile: patterns beyond the bounds are refused as too complex", "[hostile]") {
  std::string star_a;
  std::string a_star;
  for (int i = 0; i < 5000; ++i) {
    star_a += "*a";
    a_star += "a*";
  }
  const auto r = parse_plan("name = \"r\"\n[[agent]]\nname = \"x\"\nowns = [\"" + star_a +
                            "\"]\n[[agent]]\nname = \"y\"\nowns = [\"" + a_star + "\"]\n");
  const auto e = errors(r);
  REQUIRE(e.size() == 2);
  CHECK(e[0].find("too long: 10000 bytes (at most 4096)") != std::string::npos);
  CHECK(every_error_has_a_hint(r));
  std::string many;
  for (int i = 0; i < 40; ++i) {
    many += "*/";
  }
  const auto parsed = pattern::parse(many + "x");
  REQUIRE(std::holds_alternative<pattern::PatternError>(parsed));
  CHECK(std::get<pattern::PatternError>(parsed).message == "too complex: 40 wildcards (at most 32)");
}

TEST_CASE("hostile: an overlap too complex to decide is taken as one, and says so", "[hostile]") {
  std::string star_a;
  std::string a_star;
  for (int i = 0; i < 16; ++i) {
    star_a += "*a";
    a_star += "a*";
  }
  pattern::OverlapOptions tight;
  tight.plain_witness = true;
  tight.budget = 10;
  pattern::OverlapOptions plain;
  plain.plain_witness = true;
  const auto result = pattern::decide_overlap(glob(star_a + "b"), glob(a_star + "b"), tight);
  CHECK(result.verdict == pattern::Verdict::undecided);
  CHECK(pattern::decide_overlap(glob(star_a + "b"), glob(a_star + "b"), plain).verdict ==
        pattern::Verdict::overlap);
  CHECK(pattern::decide_overlap(glob(star_a + "/b"), glob(a_star + "b"), plain).verdict ==
        pattern::Verdict::disjoint);

  const auto r = parse_plan("name = \"r\"\n[[agent]]\nname = \"x\"\nowns = [\"" + star_a +
                            "b\"]\n[[agent]]\nname = \"y\"\nowns = [\"" + a_star + "b\"]\n");
  REQUIRE(r.plan);
  const OwnedPatterns owned(*r.plan, OwnedPatterns::default_budget, 10);
  const auto o = owned.overlap(1, 0);
  REQUIRE(o);
  CHECK(o->undecided);
}

TEST_CASE("hostile: a plan too costly to compare is refused with one located error", "[hostile]") {
  std::string text = "name = \"r\"\n";
  for (int i = 0; i < 300; ++i) {
    text += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"**\"]\n", i);
  }
  const auto r = parse_plan(text);
  REQUIRE(r.plan);
  Diagnostics d;
  schedule(*r.plan, false, d);
  std::vector<std::string> messages;
  for (const auto& item : d.items) {
    if (item.severity == Severity::error) {
      messages.push_back(item.message);
    }
  }
  CHECK(messages.size() == max_overlap_errors + 1);
  CHECK(std::count(messages.begin(), messages.end(), "more than 50 overlaps: the rest are not shown") == 1);
}

TEST_CASE("hostile: candidate pairs come from an index, not from every pair", "[hostile]") {
  std::vector<pattern::Glob> globs;
  for (int i = 0; i < 2000; ++i) {
    globs.push_back(glob(fmt::format("**/*.x{}", i)));
  }
  globs.push_back(glob("src/**"));
  pattern::CandidateIndex index;
  for (std::size_t i = 0; i < globs.size(); ++i) {
    index.add(globs[i], static_cast<std::uint32_t>(i));
  }
  index.finish();
  // ".x1" ends neither ".x10" nor ".x21": only itself and "src/**".
  CHECK(index.candidates(globs[1]) == std::vector<std::uint32_t>{1, 2000});
  CHECK(index.candidates(glob("docs/*.md")) == std::vector<std::uint32_t>{});
  CHECK(index.candidates(glob("src/*.x7")) == std::vector<std::uint32_t>{7, 2000});
  // A plain path owns what is below it: "docs/a.md/b.x1" too.
  CHECK(index.candidates(glob("docs/a.md")).size() == 2000);
}

TEST_CASE("hostile: a chain of 100,000 agents and 10,000 agents of one wave are scheduled", "[hostile]") {
  std::string chain = "name = \"r\"\n";
  for (int i = 0; i < 100000; ++i) {
    chain += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"f{}\"]\n", i, i);
    if (i > 0) {
      chain += fmt::format("after = [\"a{}\"]\n", i - 1);
    }
  }
  const auto r = parse_plan(chain);
  REQUIRE(r.plan);
  Diagnostics d;
  CHECK(schedule(*r.plan, false, d).waves.size() == 100000);

  std::string wide = "name = \"r\"\nmax_parallel = 10000\n";
  for (int i = 0; i < 10000; ++i) {
    wide += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"**/*.x{}\"]\n", i, i);
  }
  const auto w = parse_plan(wide);
  REQUIRE(w.plan);
  Diagnostics wd;
  const auto s = schedule(*w.plan, false, wd);
  CHECK_FALSE(wd.has_errors());
  CHECK(s.waves.size() == 1);
}

TEST_CASE("hostile: a non-ASCII character outside strings is refused before toml++ sees it", "[hostile]") {
  // Found by fuzz_plan: toml++ 3.3 reaches __builtin_unreachable() on the 'ÿ' here.
  CHECK(
      errors(parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\xc3\xbfmax_")) ==
      std::vector<std::string>{"3:11: TOML syntax error: a non-ASCII character outside a string or comment"});
  CHECK(errors(parse_plan("name = \"r\" \xc2\xa9\n")).size() == 1);
  const auto ok = parse_plan(R"(﻿name = "r" # café "
[[agent]]
name = "a"
task = """café \" ''' é"""
owns = ['é/**']
)");
  CHECK(errors(ok).empty());
}

TEST_CASE("hostile: a task may hold lines and tabs, not other control characters", "[hostile]") {
  CHECK(errors(parse_plan(
            "name = \"r\"\n[[agent]]\nname = \"a\"\ntask = \"x\\u0000y\\u001b\"\nowns = [\"x\"]\n")) ==
        std::vector<std::string>{"4:10: control character in 'task': 'x\\x00y\\e'"});
  CHECK(parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\ntask = \"\"\"x\n\ty\r\n\"\"\"\nowns = [\"x\"]\n")
            .plan);
}

TEST_CASE("hostile: raw control characters and non-ASCII after a line-ending backslash are refused first",
          "[hostile]") {
  // Found by fuzz_plan: after a NUL toml++ tested 'U+035E' for whitespace.
  CHECK(errors(parse_plan(std::string("name = \"r\"\nmax_parallel = -92\0\0H[\"src\xcd\x9e\"]\n", 33))) ==
        std::vector<std::string>{"2:19: TOML syntax error: a raw control character (\\x00)"});
  CHECK(errors(parse_plan("name = \"r\"\ntask = \"\"\"a \\\n  \xc2\xa9\"\"\"\n")) ==
        std::vector<std::string>{
            "3:3: TOML syntax error: a non-ASCII character right after a line-ending backslash"});
  CHECK(errors(parse_plan("name = \"r\" # \x1b[2J\n")).size() == 1);
}

TEST_CASE("hostile: exactly 50 overlaps are 50 errors, without a 'more than' line", "[hostile]") {
  std::string text = "name = \"r\"\n";
  for (int i = 0; i < 51; ++i) {
    text += fmt::format("[[agent]]\nname = \"a{}\"\ntask = \"t\"\nowns = [\"{}\"]\n", i,
                        i == 0 ? "**" : fmt::format("d{}/x", i));
  }
  const auto r = parse_plan(text);
  REQUIRE(r.plan);
  Diagnostics d;
  schedule(*r.plan, false, d);
  CHECK(d.count(Severity::error) == 50);
}

TEST_CASE("hostile: a quote where no string may start does not hide what follows", "[hostile]") {
  // Found by fuzz_plan: toml++ read past '1"' and tested the 'ÿ' for whitespace.
  CHECK(
      errors(
          parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\nowns = 1\"\xc3\xbf[\\u1080-\xc3\xbf]\"]\n")) ==
      std::vector<std::string>{"4:10: TOML syntax error: a non-ASCII character outside a string or comment"});
  CHECK(errors(parse_plan(
            "name = \"r\"\na.\"b\" = { \"c\" = [\n  \"\xc3\xa9\", # \xc3\xa9\n  '\xc3\xa9']}\n")) ==
        std::vector<std::string>{"1:1: the plan has no agents", "2:1: unknown key 'a' in the plan"});
}

TEST_CASE("hostile: paths in listings are quoted as git quotes them (core.quotePath)", "[hostile]") {
  // Issue 17, item 7: file names reached the lead's terminal raw (ESC, BEL,
  // newlines faking whole lines). git is the oracle: each name is added to
  // a repository and listed by `git ls-files`, which quotes as git shows it.
  const std::vector<std::string> names = {"plain.txt",     "sp ace.txt",     "new\nline",   "esc\x1b]0;t\x07",
                                          "quo\"te",       "back\\slash",    "tab\there",   "caf\xc3\xa9",
                                          "del\x7f",       "cr\r",           "bell\a",      "vt\v ff\f bs\b",
                                          "raw\xff\xfe"};
  test::TempRepo r("quote-path");
  for (const auto& n : names) {
    r.write(n, "x\n");
  }
  r.git("add -A");
  const std::string listed = r.git("-c core.quotePath=true ls-files");
  std::vector<std::string> ours;
  for (const auto& n : names) {
    ours.push_back(util::quote_path(n));
  }
  std::sort(ours.begin(), ours.end());
  std::vector<std::string> gits;
  for (const auto& line : util::split(listed, '\n')) {
    if (!line.empty()) {
      gits.push_back(line);
    }
  }
  std::sort(gits.begin(), gits.end());
  CHECK(ours == gits);
  CHECK(util::quote_path("esc\x1b]0;t\x07") == "\"esc\\033]0;t\\a\"");
  CHECK(util::quote("a\nb") == "'a\\nb'");
}

TEST_CASE("hostile: a long list is cut with one line counting the rest", "[hostile]") {
  CHECK(util::and_more(7) == "... and 7 more");
  CHECK(util::and_more(99990) == "... and 99,990 more");
  CHECK(util::and_more(1234567) == "... and 1,234,567 more");
}
