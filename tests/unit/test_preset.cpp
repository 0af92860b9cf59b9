#include <catch.hpp>

#include "plan/parse.hpp"
#include "plan/preset.hpp"

#include <nlohmann/json.hpp>

using namespace wave;
using namespace wave::plan;

namespace {

Plan parsed(const std::string& text) {
  auto r = parse(text, "wave.toml");
  REQUIRE(r.plan);
  return *r.plan;
}

constexpr const char* two_agents = R"(name = "p"
[gate]
commands = ["make check"]
[run]
agent = "claude-code"
[[agent]]
name = "a"
owns = ["a/**"]
gate = ["make test-a"]
[[agent]]
name = "b"
owns = ["b/**"]
agent = "codex"
[[agent]]
name = "c"
owns = ["c/**"]
agent = "aider"
launch = "sh my-agent.sh"
)";

} // namespace

TEST_CASE("preset: [run] agent and an agent's own, launch first", "[preset]") {
  const Plan plan = parsed(two_agents);
  CHECK(plan.runner.agent == "claude-code");
  const auto a = agent_launch(plan, "a", "/usr/bin/git-wave");
  CHECK(a.preset == "claude-code");
  CHECK(a.command == "claude -p --output-format stream-json --verbose");
  const auto b = agent_launch(plan, "b", "/usr/bin/git-wave");
  CHECK(b.preset == "codex");
  CHECK(b.command.find("codex exec --sandbox workspace-write") != std::string::npos);
  CHECK(b.command.find("-c sandbox_workspace_write.exclude_slash_tmp=true") != std::string::npos);
  const auto c = agent_launch(plan, "c", "/usr/bin/git-wave");
  CHECK(c.preset.empty());
  CHECK(c.command == "sh my-agent.sh");
}

TEST_CASE("preset: claude-code allows the verify commands and hooks the edits", "[preset]") {
  const Plan plan = parsed(two_agents);
  const auto a = agent_launch(plan, "a", "/opt/it's/git-wave");
  REQUIRE(a.files.size() == 1);
  CHECK(a.files[0].path == ".claude/settings.local.json");
  const auto settings = nlohmann::json::parse(a.files[0].content);
  const auto& allow = settings["permissions"]["allow"];
  CHECK(std::find(allow.begin(), allow.end(), "Bash(make test-a)") != allow.end());
  CHECK(std::find(allow.begin(), allow.end(), "Bash(make check)") != allow.end());
  CHECK(std::find(allow.begin(), allow.end(), "Bash") == allow.end());
  const auto& hook = settings["hooks"]["PreToolUse"][0];
  CHECK(hook["matcher"] == "Write|Edit|MultiEdit|NotebookEdit");
  CHECK(hook["hooks"][0]["command"] == "'/opt/it'\\''s/git-wave' hook edit");
  CHECK(a.exclude == std::vector<std::string>{"/.claude/settings.local.json"});
}

TEST_CASE("preset: launch in [run] wins over [run] agent; none is empty", "[preset]") {
  const Plan with_launch = parsed("name = \"p\"\n[run]\nlaunch = \"sh x.sh\"\nagent = \"gemini\"\n"
                                  "[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n");
  CHECK(agent_launch(with_launch, "a", "git-wave").command == "sh x.sh");
  const Plan none = parsed("name = \"p\"\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n");
  CHECK(agent_launch(none, "a", "git-wave").command.empty());
}

TEST_CASE("preset: an unknown preset is an error with a suggestion", "[preset]") {
  const auto r = parse(
      "name = \"p\"\n[run]\nagent = \"claude\"\n[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\n", "wave.toml");
  REQUIRE(r.diagnostics.count(Severity::error) == 1);
  const auto& d = r.diagnostics.items.front();
  CHECK(d.message == "unknown agent preset 'claude'");
  CHECK(d.where.line == 3);
  CHECK(d.hint == "did you mean 'claude-code'?");
}

TEST_CASE("preset: the turn budget reaches Claude Code as --max-turns and Gemini CLI as maxSessionTurns",
          "[preset]") {
  const Plan plan = parsed("name = \"p\"\n[run]\nagent = \"claude-code\"\nbudget_turns = 30\n"
                           "[[agent]]\nname = \"a\"\nowns = [\"a/**\"]\nbudget_turns = 8\n"
                           "[[agent]]\nname = \"b\"\nowns = [\"b/**\"]\n"
                           "[[agent]]\nname = \"g\"\nowns = [\"g/**\"]\nagent = \"gemini\"\n");
  CHECK(agent_launch(plan, "a", "git-wave").command ==
        "claude -p --output-format stream-json --verbose --max-turns 8");
  CHECK(agent_launch(plan, "b", "git-wave").command ==
        "claude -p --output-format stream-json --verbose --max-turns 30");
  const auto g = agent_launch(plan, "g", "git-wave");
  REQUIRE(g.files.size() == 1);
  const auto settings = nlohmann::json::parse(g.files[0].content);
  CHECK(settings["model"]["maxSessionTurns"] == 30);
  CHECK(settings["hooks"]["BeforeTool"][0]["matcher"] == "write_file|replace|edit");
}
