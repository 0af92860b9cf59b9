#include <catch.hpp>

#include "render/run_view.hpp"

using namespace wave;

namespace {

render::WaveView two_agents() {
  render::WaveView v;
  v.run = "demo";
  v.label = "2";
  v.elapsed = std::chrono::seconds(80);
  render::AgentView a;
  a.name = "parser";
  a.state = "running";
  a.attempt = 2;
  a.elapsed = std::chrono::seconds(72);
  a.commits = 1;
  a.files = 3;
  a.last = "writing tests for the lexer";
  render::AgentView b;
  b.name = "docs";
  b.state = "queued";
  v.agents = {a, b};
  return v;
}

} // namespace

TEST_CASE("run view: a line per agent, the wave's heading above", "[run_view]") {
  const auto lines = render::render(two_agents(), 120, cli::Painter(false));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "wave 2 of run 'demo': 1 running, 0 done of 2, 1m20s");
  CHECK(lines[1].find("parser") == 2);
  CHECK(lines[1].find("running  #2") != std::string::npos);
  CHECK(lines[1].find("1m12s") != std::string::npos);
  CHECK(lines[1].find("1 commit ") != std::string::npos);
  CHECK(lines[1].find("3 files") != std::string::npos);
  CHECK(lines[1].find("writing tests for the lexer") != std::string::npos);
  CHECK(lines[2] == "  docs   queued  ");
}

TEST_CASE("run view: no line is wider than the terminal, painted or not", "[run_view]") {
  auto v = two_agents();
  v.agents[0].last = std::string(300, 'x');
  v.gate = {"audit parser: pass", "candidate: pass", "gate 'make test': running"};
  for (const std::size_t width : {20U, 40U, 80U}) {
    for (const auto& line : render::render(v, width, cli::Painter(false))) {
      CHECK(line.size() < width);
    }
  }
  const auto painted = render::render(v, 60, cli::Painter(true));
  CHECK(painted[1].find("\x1b[33mrunning") != std::string::npos);
  CHECK(render::render(v, 200, cli::Painter(false)).back().rfind("  gate: audit parser: pass · candidate", 0) == 0);
}

TEST_CASE("run view: log lines lose colours, cursor moves and what a carriage return overwrote", "[run_view]") {
  CHECK(render::printable_log_line("\x1b[1;32mok\x1b[0m done  ") == "ok done");
  CHECK(render::printable_log_line("\x1b]0;title\a50%\r100% built") == "100% built");
  CHECK(render::printable_log_line("bell\a") == "bell\\x07");
  CHECK(render::printable_log_line("a terminal's line\r") == "a terminal's line");
}

TEST_CASE("run view: nothing to draw between waves", "[run_view]") {
  CHECK(render::render(render::WaveView{}, 80, cli::Painter(false)).empty());
}

TEST_CASE("run view: what an agent spent, as its agent CLI reports it, before its last log line",
          "[run_view]") {
  auto v = two_agents();
  v.agents[0].spent = run::Usage{0.0123, 4, 12000, 345};
  v.agents[1].state = "running";
  v.agents[1].attempt = 1;
  v.agents[1].spent = run::Usage{std::nullopt, 1, 600, 20};
  const auto lines = render::render(v, 200, cli::Painter(false));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].find("3 files  $0.0123 4 turns 12.3k tok  writing tests") != std::string::npos);
  CHECK(lines[2].find("1 turn 620 tok") != std::string::npos);
}
