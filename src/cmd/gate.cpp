#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/interrupt.hpp"
#include "cli/progress.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "gate/gate.hpp"
#include "gate/wave_gate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "render/finding_json.hpp"
#include "render/junit_output.hpp"
#include "util/duration.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <thread>
#include <unistd.h>

namespace wave::cmd {

namespace {

using Json = nlohmann::ordered_json;

using render::finding_json;

Json report_json(const cli::WaveContext& ctx, const gate::GateReport& r, const std::filesystem::path& logs) {
  Json tips = Json::object();
  for (const auto& [agent, tip] : r.tips) {
    tips[agent] = git::oid_str(tip);
  }
  Json commits = Json::array();
  for (const auto& c : r.commits) {
    Json refused = Json::array();
    for (const auto& f : c.refused) {
      refused.push_back(finding_json(f));
    }
    commits.push_back({{"agent", c.agent},
                       {"commit", c.commit ? git::oid_str(*c.commit) : ""},
                       {"files", c.files},
                       {"refused", refused},
                       {"error", c.error}});
  }
  Json violations = Json::array();
  for (const auto& f : r.findings) {
    violations.push_back(finding_json(f));
  }
  Json steps = Json::array();
  for (const auto& s : r.steps) {
    steps.push_back({{"name", s.step.name},
                     {"agent", s.step.agent},
                     {"command", s.step.command},
                     {"status", gate::to_string(s.result.status)},
                     {"duration_ms", s.result.duration.count()},
                     {"log", s.step.log.string()},
                     {"detail", s.result.detail}});
  }
  Json out = {{"run", ctx.run_name()},
              {"wave", ctx.wave_run().label},
              {"result", r.pass ? "pass" : "fail"},
              {"summary", r.summary},
              {"base", git::oid_str(r.base)},
              {"candidate", r.candidate ? git::oid_str(*r.candidate) : ""},
              {"tips", tips},
              {"commits", commits},
              {"violations", violations},
              {"conflict", nullptr},
              {"steps", steps},
              {"bisect", nullptr},
              {"culprits", r.culprits},
              {"logs", logs.string()}};
  if (r.conflict) {
    out["conflict"] = {
        {"agent", r.conflict->agent}, {"with", r.conflict->with}, {"paths", r.conflict->paths}};
  }
  if (r.bisected) {
    out["bisect"] = {{"runs", r.bisect_runs},
                     {"base_fails", r.base_fails},
                     {"stopped", r.bisect_untestable},
                     {"bounded", r.bisect_bounded},
                     {"reused", r.bisect_reused}};
  }
  return out;
}

// Why the gate blames `agent`.
std::string blame_text(const gate::GateReport& r, const std::string& agent) {
  for (const auto& c : r.commits) {
    if (c.agent == agent && !c.refused.empty()) {
      return "left uncommitted changes to files it does not own";
    }
  }
  for (const auto& f : r.findings) {
    if (f.agent == agent) {
      return "touches files it does not own";
    }
  }
  for (const auto& s : r.steps) {
    if (s.step.name == "agent gate" && s.step.agent == agent && s.result.status != gate::StepStatus::pass) {
      return "fails its own gate";
    }
    if (s.step.name == "audit" && s.step.agent == agent && s.result.detail == "changed nothing") {
      return "changed nothing, and the plan does not allow it to finish so (allow_empty)";
    }
  }
  return "breaks the gate: the candidate passes without its branch";
}

void print_text(const cli::Painter& paint, const cli::WaveContext& ctx, const gate::GateReport& r,
                const std::filesystem::path& logs) {
  bool tails = false;
  for (const auto& s : r.steps) {
    if (s.result.status != gate::StepStatus::fail && s.result.status != gate::StepStatus::timeout) {
      continue;
    }
    const std::string tail = util::tail_lines(s.step.log, 15);
    fmt::print("\n{} {} ({})\n", paint(cli::Color::red, "failed:"), cli::ProgressReporter::label(s.step),
               s.result.detail);
    const std::string text(util::trim(tail));
    if (text.empty()) {
      fmt::print("  (no output)\n");
    }
    for (const auto& line : text.empty() ? std::vector<std::string>{} : util::split(text, '\n')) {
      fmt::print("  | {}\n", line);
    }
    fmt::print("  log: {}\n", s.step.log.string());
    tails = true;
  }
  if (tails) {
    fmt::print("\n");
  }
  for (const auto& c : r.culprits) {
    fmt::print("{} '{}' {}\n", paint(cli::Color::red, "culprit:"), c, blame_text(r, c));
  }
  for (const auto& f : r.restored) {
    fmt::print("{} {} changes {}, then puts it back as at the base: accepted ('git wave repair {}' drops the "
               "change from its history)\n",
               paint(cli::Color::yellow, "note:"), util::quote(f.agent), f.describe(), f.agent);
  }
  if (r.bisected) {
    fmt::print("bisect: {} gate run{}{}{}\n", r.bisect_runs, r.bisect_runs == 1 ? "" : "s",
               r.bisect_reused > 0 ? fmt::format(", {} result{} known already", r.bisect_reused,
                                                 r.bisect_reused == 1 ? "" : "s")
                                   : std::string(),
               r.bisect_bounded ? "; stopped at its bound" : "");
  }
  fmt::print("logs: {}\n", logs.string());
  const std::string label = ctx.wave_run().label;
  if (r.pass) {
    std::size_t merged = 0;
    for (const auto& a : r.applied) {
      merged += a.how != gate::Applied::How::skipped ? 1 : 0;
    }
    fmt::print("gate wave {}: {} candidate {} ({} branch{} onto {}); land it with 'git wave merge'\n", label,
               paint(cli::Color::green, "pass"), git::short_oid(*r.candidate), merged,
               merged == 1 ? "" : "es", ctx.stored.state.integration);
  } else {
    fmt::print("gate wave {}: {} {}\n", label, paint(cli::Color::red, "FAIL"), r.summary);
    std::vector<std::string> foreign;
    for (const auto& f : r.findings) {
      if (std::find(foreign.begin(), foreign.end(), f.agent) == foreign.end()) {
        foreign.push_back(f.agent);
      }
    }
    for (const auto& agent : foreign) {
      fmt::print("{} drop the files '{}' does not own from its branch with 'git wave repair {}' (its "
                 "commits are kept under an archive ref), or commit them back to their content at the "
                 "base in its worktree\n",
                 paint(cli::Color::yellow, "hint:"), agent, agent);
    }
  }
}

} // namespace

int gate(const cli::Args& args) {
  cli::Parser parser(
      "gate",
      "git wave gate [--wave <label>] [-j <n>] [--bisect=<n> | --no-bisect] [--no-commit] [--json] "
      "[--junit <file>] [--run <name>] [--remote <name>] [--color=<when>]",
      "Check a wave before it lands: commit agents' uncommitted work (lead-commits "
      "mode), audit ownership of every "
      "branch, run each agent's gate, build the candidate (the branches merged in plan "
      "order onto the integration "
      "tip) and run the plan's gate on it; find the culprit when it fails. The result "
      "is recorded in the run.");
  std::string wave;
  std::string run;
  std::string remote;
  unsigned jobs = std::max(1U, std::thread::hardware_concurrency());
  bool no_bisect = false;
  unsigned bisect_runs = 0;
  bool no_commit = false;
  bool json = false;
  std::string junit;
  std::optional<cli::ColorWhen> color_flag;
  parser.option("--wave", wave, "gate this wave (its label) rather than the current one", "<label>");
  parser.option("-j,--jobs", jobs, "run this many agents' gates at once (default: the CPU count)", "<n>", 1,
                256);
  parser.option("--bisect", bisect_runs,
                "search for the culprit of a failed combined gate in at most <n> gate runs (0: not at all; "
                "default: the plan's [gate] bisect, else as many as it takes)",
                "<n>", 0, 1000);
  parser.flag("--no-bisect", no_bisect, "when the combined gate fails, do not search for the culprit");
  parser.flag("--no-commit", no_commit,
              "leave agents' uncommitted work alone; gate the branches as they are");
  parser.flag("--json", json, "print the result as JSON on stdout (progress goes to stderr)");
  parser.option("--junit", junit,
                "also write the result as a JUnit XML report to <file> (for CI): a test case per step",
                "<file>");
  parser.run(run);
  parser.remote(remote);
  parser.color(color_flag);
  parser.parse(args);
  if (no_bisect && parser.given("--bisect")) {
    throw UsageError("--bisect and --no-bisect cannot be used together", {"see 'git wave gate -h'"});
  }
  if (!junit.empty()) {
    render::check_junit_path(junit);
  }

  cli::WaveContext ctx = cli::lock_wave(run, wave, "gate", remote);
  const run::WaveRun& w = ctx.wave_run();
  if (w.status == run::WaveStatus::merged) {
    // Its gate passed and it landed: a rerun (after a merge, or a kill)
    // has nothing to do, as a rerun of merge.
    if (json) {
      fmt::print("{}\n", Json{{"run", ctx.run_name()}, {"wave", w.label}, {"already_merged", true}}.dump(2));
    } else {
      fmt::print("wave {} of run '{}' is already merged; nothing to gate\n", w.label, ctx.run_name());
    }
    return exit_code::ok;
  }
  gate::WaveGate wave_gate(ctx.repo.get(), ctx.plan, ctx.stored.state, w);
  gate::GateInput& in = wave_gate.input();
  in.jobs = jobs;
  in.bisect = !no_bisect;
  if (parser.given("--bisect")) {
    in.bisect_runs = static_cast<int>(bisect_runs);
  }
  in.lead_commits = !no_commit;
  in.command = "git wave gate";

  const cli::Painter paint = cli::stdout_painter(color_flag, ctx.repo.get());
  std::FILE* progress_out = json ? stderr : stdout;
  const cli::Painter progress_paint = json ? cli::painter_for_stderr() : paint;
  if (!json) {
    const auto onto = git::resolve_commit(ctx.repo.get(), in.integration);
    fmt::print("gate wave {} of run '{}': {} agent{} onto {}{}\n", w.label, ctx.run_name(), in.agents.size(),
               in.agents.size() == 1 ? "" : "s", ctx.stored.state.integration,
               onto ? fmt::format(" ({})", git::short_oid(*onto)) : std::string());
    std::fflush(stdout);
  }
  gate::GateReport report;
  {
    cli::ProgressReporter progress(progress_out, cli::live_terminal(::fileno(progress_out)), progress_paint);
    report = wave_gate.run(progress);
  }
  cli::publish_after(ctx.repo.get(), ctx.remote);
  if (!junit.empty()) {
    render::write_junit(junit, "git wave gate", {render::gate_suite(ctx.run_name(), w.label, report)});
  }

  if (json) {
    fmt::print("{}\n", report_json(ctx, report, in.log_dir).dump(2));
  } else {
    print_text(paint, ctx, report, in.log_dir);
  }
  return report.pass ? exit_code::ok : exit_code::not_satisfied;
}

} // namespace wave::cmd
