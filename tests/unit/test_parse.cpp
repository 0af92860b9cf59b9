#include <catch.hpp>

#include "plan/parse.hpp"
#include "plan/source.hpp"

#include <algorithm>

using namespace wave;
using namespace wave::plan;

namespace {

// "line:col: message" of every error, in order.
std::vector<std::string> errors(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.items) {
    if (d.severity == Severity::error) {
      out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message);
    }
  }
  return out;
}

const Diagnostic& only_error(const ParseResult& r) {
  REQUIRE(r.diagnostics.count(Severity::error) == 1);
  return *std::find_if(r.diagnostics.items.begin(), r.diagnostics.items.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

ParseResult parse_plan(const std::string& text) {
  return parse(text, "wave.toml");
}

} // namespace

TEST_CASE("parse: a full plan reads every field", "[parse]") {
  const auto r = parse_plan(R"(name = "review-enforcement"
base = "release/1.0"
max_parallel = 4
protected = ["wave.toml", ".github/**"]
overlap = "split"
merge = "squash"
worktrees = "../wt/{run}/{agent}"
setup = ["npm ci"]
copy = [".env"]

[gate]
commands = ["make -j2", "make test"]
timeout = "20m"

[[agent]]
name = "config-schema"
task = "Extend config schema"
owns = ["src/config/**", "schema/*.json"]
estimate = "10m"

[[agent]]
name = "event-hooks"
task = "Add event hook system"
after = ["config-schema"]
owns = ["src/hooks/event_hooks.cpp"]
gate = ["make test-hooks"]
wave = 3
exclusive = true
setup = ["make deps"]
copy = ["config/local.json"]
)");
  REQUIRE(r.plan);
  CHECK(r.diagnostics.items.empty());
  const Plan& p = *r.plan;
  CHECK(p.file == "wave.toml");
  CHECK(p.name == "review-enforcement");
  CHECK(p.base == "release/1.0");
  CHECK(p.max_parallel == 4);
  REQUIRE(p.protected_paths.size() == 2);
  CHECK(p.protected_paths[1].value == ".github/**");
  CHECK(p.protected_paths[1].where.line == 4);
  CHECK(p.protected_paths[1].where.column == 27);
  CHECK(p.overlap == OverlapPolicy::split);
  CHECK(p.merge == MergeStyle::squash);
  CHECK(p.worktrees == "../wt/{run}/{agent}");
  CHECK(p.setup == std::vector<std::string>{"npm ci"});
  CHECK(p.copy == std::vector<std::string>{".env"});
  CHECK(p.gate.commands == std::vector<std::string>{"make -j2", "make test"});
  CHECK(p.gate.timeout == std::chrono::minutes(20));
  REQUIRE(p.agents.size() == 2);
  const Agent& a = p.agents[0];
  CHECK(a.name == "config-schema");
  CHECK(a.where.line == 16);
  CHECK(a.where.column == 8);
  CHECK(a.task == "Extend config schema");
  CHECK(a.owns.size() == 2);
  CHECK(a.estimate == std::chrono::minutes(10));
  CHECK_FALSE(a.wave);
  CHECK_FALSE(a.exclusive);
  const Agent& b = p.agents[1];
  REQUIRE(b.after.size() == 1);
  CHECK(b.after[0].value == "config-schema");
  CHECK(b.after[0].where.line == 24);
  CHECK(b.after[0].where.column == 10);
  CHECK(b.gate == std::vector<std::string>{"make test-hooks"});
  CHECK(b.wave == 3);
  CHECK(b.wave_where.line == 27);
  CHECK(b.exclusive);
  CHECK(b.setup == std::vector<std::string>{"make deps"});
  CHECK(b.copy == std::vector<std::string>{"config/local.json"});
  CHECK(p.find("event-hooks") == 1u);
  CHECK(worktree_path(p, "/repo", "event-hooks") == "/wt/review-enforcement/event-hooks");
}

TEST_CASE("parse: defaults apply when keys are absent", "[parse]") {
  const auto r = parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\n");
  REQUIRE(r.plan);
  CHECK(r.plan->base.empty());
  CHECK(r.plan->max_parallel == 6);
  CHECK(r.plan->overlap == OverlapPolicy::error);
  CHECK(r.plan->merge == MergeStyle::merge);
  CHECK(r.plan->gate.timeout == std::chrono::minutes(20));
  CHECK(r.plan->agents[0].read_only());
  CHECK(worktree_path(*r.plan, "/src/repo", "a") == "/src/repo.wave/r/a");
}

TEST_CASE("parse: a TOML syntax error is reported at its position", "[parse]") {
  const auto r = parse_plan("name = \"r\"\n[[agent]]\nname = \n");
  CHECK_FALSE(r.plan);
  const auto& d = only_error(r);
  CHECK(d.where.line == 3);
  CHECK(d.where.column == 8);
  CHECK(d.message.rfind("TOML syntax error", 0) == 0);
  CHECK(format("wave.toml", d).rfind("wave.toml:3:8: error: TOML syntax error", 0) == 0);
}

TEST_CASE("parse: a key defined twice is a syntax error", "[parse]") {
  const auto r = parse_plan("name = \"r\"\nname = \"s\"\n");
  const auto& d = only_error(r);
  CHECK(d.where.line == 2);
  CHECK(d.message == "TOML syntax error: duplicate key 'name': it is already defined above");
}

TEST_CASE("parse: unknown keys suggest the nearest known key", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
max_paralel = 3
[gate]
comands = ["make"]
[[agent]]
name = "a"
onws = ["src/**"]
[[agents]]
name = "b"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "2:1: unknown key 'max_paralel' in the plan",
                         "4:1: unknown key 'comands' in [gate]",
                         "7:1: unknown key 'onws' in [[agent]]",
                         "8:3: unknown key 'agents' in the plan",
                     });
  CHECK(r.diagnostics.items[0].hint == "did you mean 'max_parallel'?");
  CHECK(r.diagnostics.items[1].hint == "did you mean 'commands'?");
  CHECK(r.diagnostics.items[2].hint == "did you mean 'owns'?");
  CHECK(r.diagnostics.items[3].hint == "did you mean 'agent'?");
}

TEST_CASE("parse: wrong types name the key, the expected and the found type", "[parse]") {
  const auto r = parse_plan(R"(name = 3
max_parallel = "6"
protected = "wave.toml"
gate = ["make"]
[[agent]]
name = "a"
owns = ["src/**", 4]
after = "b"
exclusive = "yes"
wave = 1.5
gate = { commands = ["x"] }
[[agent]]
name = "b"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "1:8: 'name' must be a string, not an integer",
                         "2:16: 'max_parallel' must be an integer, not a string",
                         "3:13: 'protected' must be an array of strings, not a string",
                         "4:8: 'gate' must be a table, not an array",
                         "7:19: 'owns' must hold strings, not an integer",
                         "8:9: 'after' must be an array of strings, not a string",
                         "9:13: 'exclusive' must be a boolean, not a string",
                         "10:8: 'wave' must be an integer, not a float",
                         "11:8: an agent's 'gate' is an array of commands, not a table",
                     });
}

TEST_CASE("parse: a single [agent] table is not an array of agents", "[parse]") {
  const auto r = parse_plan("name = \"r\"\n[agent]\nname = \"a\"\n");
  const auto& d = only_error(r);
  CHECK(d.message == "'agent' must be an array of tables, not a table");
  CHECK(d.hint.find("[[agent]]") != std::string::npos);
}

TEST_CASE("parse: missing required fields", "[parse]") {
  SECTION("the plan name") {
    const auto r = parse_plan("[[agent]]\nname = \"a\"\n");
    CHECK(errors(r) == std::vector<std::string>{"1:1: missing required key 'name'"});
  }
  SECTION("an agent's name, at its table") {
    const auto r = parse_plan("name = \"r\"\n\n[[agent]]\ntask = \"x\"\n");
    CHECK(errors(r) == std::vector<std::string>{"3:1: missing required key 'name' in [[agent]]"});
  }
  SECTION("agents") {
    const auto r = parse_plan("name = \"r\"\n");
    CHECK(errors(r) == std::vector<std::string>{"1:1: the plan has no agents"});
  }
}

TEST_CASE("parse: values out of range or not among the choices", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
max_parallel = 0
overlap = "splt"
merge = "rebase"
[[agent]]
name = "a"
wave = 0
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "2:16: 'max_parallel' must be at least 1, not 0",
                         "3:11: invalid value 'splt' for 'overlap'",
                         "4:9: invalid value 'rebase' for 'merge'",
                         "7:8: 'wave' must be at least 1, not 0",
                     });
  CHECK(r.diagnostics.items[1].hint == "'overlap' is one of \"error\", \"split\"");
}

TEST_CASE("parse: bad durations", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
[gate]
timeout = "20 minutes"
[[agent]]
name = "a"
estimate = "0s"
[[agent]]
name = "b"
estimate = 10
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "3:11: invalid duration '20 minutes' for 'timeout'",
                         "6:12: invalid duration '0s' for 'estimate'",
                         "9:12: 'estimate' must be a duration string, not an integer",
                     });
}

TEST_CASE("parse: names that cannot be a git branch component", "[parse]") {
  const auto r = parse_plan(R"(name = "my run"
base = "feature..x"
[[agent]]
name = "a/b"
[[agent]]
name = "x.lock"
[[agent]]
name = ".hidden"
[[agent]]
name = "ok-name_1.2"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "1:8: invalid plan name 'my run': it contains a space",
                         "2:8: invalid branch name 'feature..x' for 'base': it contains '..'",
                         "4:8: invalid agent name 'a/b': it contains '/'",
                         "6:8: invalid agent name 'x.lock': it has a component that ends with '.lock'",
                         "8:8: invalid agent name '.hidden': it has a component that starts with '.'",
                     });
}

TEST_CASE("parse: a duplicate agent points at the second and names the first's line", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "a"
[[agent]]
name = "b"
[[agent]]
  name = "a"
)");
  CHECK(errors(r) == std::vector<std::string>{"7:10: duplicate agent 'a' (first defined at line 3)"});
}

TEST_CASE("parse: unknown and self dependencies", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "config-schema"
[[agent]]
name = "hooks"
after = ["config-shema", "hooks", "nothing-like-it"]
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "6:10: unknown agent 'config-shema' in 'after' of 'hooks'",
                         "6:26: agent 'hooks' cannot be after itself",
                         "6:35: unknown agent 'nothing-like-it' in 'after' of 'hooks'",
                     });
  CHECK(r.diagnostics.items[0].hint == "did you mean 'config-schema'?");
  CHECK(r.diagnostics.items[2].hint == "'after' lists the names of other agents of this plan");
}

TEST_CASE("parse: a repeated dependency is a warning", "[parse]") {
  const auto r =
      parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\n[[agent]]\nname = \"b\"\nafter = [\"a\", \"a\"]\n");
  REQUIRE(r.plan);
  REQUIRE(r.diagnostics.count(Severity::warning) == 1);
  CHECK(r.diagnostics.items[0].where.column == 15);
}

TEST_CASE("parse: a cycle is reported with its path", "[parse]") {
  SECTION("three agents") {
    const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "a"
after = ["c"]
[[agent]]
name = "b"
after = ["a"]
[[agent]]
name = "c"
after = ["b"]
[[agent]]
name = "d"
after = ["c"]
)");
    CHECK(errors(r) == std::vector<std::string>{"4:10: dependency cycle: a -> b -> c -> a"});
  }
  SECTION("two separate cycles, each once, the shortest path through the first agent") {
    const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "x"
after = ["y"]
[[agent]]
name = "y"
after = ["x", "z"]
[[agent]]
name = "z"
after = ["y"]
[[agent]]
name = "p"
after = ["q"]
[[agent]]
name = "q"
after = ["p"]
)");
    CHECK(errors(r) == std::vector<std::string>{
                           "4:10: dependency cycle: x -> y -> x",
                           "13:10: dependency cycle: p -> q -> p",
                       });
  }
}

TEST_CASE("parse: a pin may delay an agent but not advance it", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
[[agent]]
name = "a"
wave = 3
[[agent]]
name = "b"
after = ["a"]
wave = 3
[[agent]]
name = "c"
after = ["a"]
wave = 5
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "8:8: agent 'b' is pinned to wave 3 but is after 'a', which runs in wave 3"});
  CHECK(r.diagnostics.items[0].hint ==
        "a pin may only delay an agent: use wave = 4 or later, or remove the pin");
}

TEST_CASE("parse: copy paths and commands", "[parse]") {
  const auto r = parse_plan(R"(name = "r"
copy = ["/etc/passwd", "../x", "ok/.env"]
setup = [" "]
[[agent]]
name = "a"
gate = [""]
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "2:9: 'copy' entry '/etc/passwd' must be a path inside the repository",
                         "2:24: 'copy' entry '../x' must be a path inside the repository",
                         "3:10: empty command in 'setup'",
                         "6:9: empty command in 'gate'",
                     });
}

TEST_CASE("parse: worktree templates", "[parse]") {
  const auto bad = [](const std::string& templ) {
    return errors(parse_plan("name = \"r\"\nworktrees = \"" + templ + "\"\n[[agent]]\nname = \"a\"\n"));
  };
  CHECK(bad("../{rn}/{agent}") ==
        std::vector<std::string>{"2:17: unknown placeholder '{rn}' in 'worktrees'"});
  CHECK(bad("../{run}/{agent") == std::vector<std::string>{"2:23: unclosed '{' in 'worktrees'"});
  CHECK(bad("../}") == std::vector<std::string>{"2:17: unmatched '}' in 'worktrees'"});
  CHECK(bad("../{run}") == std::vector<std::string>{"2:13: 'worktrees' must contain {agent}"});
  CHECK(bad("").size() == 1);
}

TEST_CASE("parse: many errors are reported in one run, sorted by position", "[parse]") {
  const auto r = parse_plan(R"(name = "bad name"
max_parallel = -2
[[agent]]
name = "a"
after = ["zz"]
estimate = "soon"
[[agent]]
name = "a"
)");
  CHECK(errors(r) == std::vector<std::string>{
                         "1:8: invalid plan name 'bad name': it contains a space",
                         "2:16: 'max_parallel' must be at least 1, not -2",
                         "5:10: unknown agent 'zz' in 'after' of 'a'",
                         "6:12: invalid duration 'soon' for 'estimate'",
                         "8:8: duplicate agent 'a' (first defined at line 4)",
                     });
  CHECK_FALSE(r.plan);
}

TEST_CASE("parse: a column inside a string follows escapes and UTF-8", "[parse]") {
  const std::string text = "x = \"a\\tb\"\ny = 'é*'\nz = \"\\u00e9[\"\n";
  CHECK(string_offset(text, {1, 5}, 0).column == 6);
  CHECK(string_offset(text, {1, 5}, 1).column == 7); // the \t escape
  CHECK(string_offset(text, {1, 5}, 2).column == 9);
  CHECK(string_offset(text, {2, 5}, 2).column == 7); // after the two bytes of é
  CHECK(string_offset(text, {3, 5}, 2).column == 12);
  CHECK(string_offset(text, {9, 1}, 0).line == 9);
}

TEST_CASE("parse: [run] says how git wave run launches agents", "[parse]") {
  const auto r = parse_plan(R"(name = "x"
max_parallel = 2
[run]
launch = "claude -p"
timeout = "45m"
idle_timeout = "90s"
retries = 0
stagger = "30s"
notify = ["notify-send wave"]
[[agent]]
name = "a"
owns = ["a/**"]
launch = "sh agent.sh"
[[agent]]
name = "b"
owns = ["b/**"]
)");
  REQUIRE(r.plan);
  const Runner& run = r.plan->runner;
  CHECK(run.launch == "claude -p");
  CHECK(run.timeout == std::chrono::minutes(45));
  CHECK(run.idle_timeout == std::chrono::seconds(90));
  CHECK(run.retries == 0);
  CHECK(run.stagger == std::chrono::seconds(30));
  CHECK(run.notify == std::vector<std::string>{"notify-send wave"});
  CHECK(r.plan->agents[0].launch == "sh agent.sh");
  CHECK(r.plan->agents[1].launch.empty());

  SECTION("defaults") {
    const auto d = parse_plan("name = \"x\"\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n");
    REQUIRE(d.plan);
    CHECK(d.plan->runner.launch.empty());
    CHECK(d.plan->runner.retries == 1);
    CHECK(d.plan->runner.stagger == std::chrono::milliseconds(0));
  }
  SECTION("mistakes are located") {
    const auto bad = parse_plan(R"(name = "x"
[run]
launch = ""
retries = -1
lanch = "x"
[[agent]]
name = "a"
owns = ["a/**"]
)");
    const auto e = errors(bad);
    REQUIRE(e.size() == 3);
    CHECK(e[0].rfind("3:", 0) == 0);
    CHECK(e[0].find("empty command in 'launch'") != std::string::npos);
    CHECK(e[1].rfind("4:", 0) == 0);
    CHECK(e[1].find("'retries' must be at least 0") != std::string::npos);
    CHECK(e[2].find("unknown key 'lanch' in [run]") != std::string::npos);
  }
}

TEST_CASE("parse: an agent's title, and the one derived from its task", "[parse]") {
  SECTION("given, it is the title") {
    const auto r =
        parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\ntask = \"Long task\"\ntitle = \"Short\"\n");
    REQUIRE(r.plan);
    CHECK(title_of(r.plan->agents[0]) == "Short");
  }
  SECTION("derived: the task's first line, shortened on a word boundary") {
    Agent a;
    a.name = "a";
    a.task = "  Add the event hook system\nwith every detail";
    CHECK(title_of(a) == "Add the event hook system");
    a.task = "Extend the configuration schema with typed event hooks, their validation, and the migration of "
             "every old file";
    const std::string t = title_of(a);
    CHECK(t == "Extend the configuration schema with typed event hooks...");
    CHECK(t.size() <= derived_title);
    a.task = std::string(100, 'x');
    CHECK(title_of(a) == std::string(57, 'x') + "...");
    a.task = "";
    CHECK(title_of(a) == "a");
  }
  SECTION("a title on two lines, or too long, is a located error") {
    auto r = parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\ntitle = \"one\\ntwo\"\n");
    CHECK(only_error(r).message == "control character in 'title': 'one\\ntwo'");
    r = parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\ntitle = \"" + std::string(80, 'y') + "\"\n");
    CHECK(only_error(r).message == "'title' is too long: 80 bytes, at most 72");
    CHECK(only_error(r).where.line == 4);
    CHECK_FALSE(only_error(r).hint.empty());
  }
}

TEST_CASE("parse: the remote a run is kept on", "[parse]") {
  const auto ok = parse_plan(R"(name = "r"
remote = "upstream"
[[agent]]
name = "a"
owns = ["a/**"]
)");
  REQUIRE(ok.plan);
  CHECK(ok.plan->remote == "upstream");
  const auto none = parse_plan("name = \"r\"\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n");
  REQUIRE(none.plan);
  CHECK(none.plan->remote.empty());
  const auto bad = parse_plan(R"(name = "r"
remote = "my origin"
[[agent]]
name = "a"
owns = ["a/**"]
)");
  CHECK(errors(bad) ==
        std::vector<std::string>{"2:10: invalid remote name 'my origin' for 'remote': it contains a space"});
}

TEST_CASE("parse: a flood of one error is kept ten times, the rest counted in one item", "[parse]") {
  std::string list;
  for (int i = 0; i < 1000; ++i) {
    list += i == 0 ? "1" : ",1";
  }
  const auto r =
      parse_plan("name = \"r\"\nprotected = [" + list + "]\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n");
  const auto e = errors(r);
  REQUIRE(e.size() == 11);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(e[i] == "2:" + std::to_string(14 + 2 * i) + ": 'protected' must hold strings, not an integer");
  }
  CHECK(e[10] == "2:34: ... and 990 more like it");
  CHECK(r.diagnostics.count(Severity::error) == 1000);
  CHECK_FALSE(r.plan.has_value());
}

TEST_CASE("diagnostics: the count of a flood survives sorting and later findings", "[parse]") {
  Diagnostics d;
  for (int i = 0; i < 15; ++i) {
    d.error({20 - i, 1}, "same");
  }
  d.sort();
  d.error({1, 1}, "same");
  d.error({2, 1}, "other");
  std::size_t same = 0;
  std::string summary;
  for (const auto& item : d.items) {
    same += item.message == "same" ? 1 : 0;
    if (item.message.find("more like it") != std::string::npos) {
      summary = item.message;
    }
  }
  CHECK(same == 10);
  CHECK(summary == "... and 6 more like it");
  CHECK(d.items.size() == 12);
  CHECK(d.count(Severity::error) == 17);
}

TEST_CASE("parse: budgets of turns and attempts are whole numbers from 1, at their position", "[parse]") {
  const auto good = parse_plan(R"(name = "x"
[run]
budget_turns = 40
budget_attempts = 6
[[agent]]
name = "a"
owns = ["a/**"]
budget_turns = 12
budget_attempts = 2
)");
  REQUIRE(good.plan);
  CHECK(good.plan->runner.budget_turns == 40);
  CHECK(good.plan->runner.budget_attempts == 6);
  CHECK(good.plan->agents[0].budget_turns == 12);
  CHECK(good.plan->agents[0].budget_attempts == 2);
  const auto bad = parse_plan(R"(name = "x"
[run]
budget_turns = 0
budget_attempts = "3"
[[agent]]
name = "a"
owns = ["a/**"]
budget_turns = 2.5
budget_attempts = -1
)");
  CHECK(errors(bad) == std::vector<std::string>{
                           "3:16: 'budget_turns' must be at least 1, not 0",
                           "4:19: 'budget_attempts' must be an integer, not a string",
                           "8:16: 'budget_turns' must be an integer, not a float",
                           "9:19: 'budget_attempts' must be at least 1, not -1",
                       });
}
