// git wave report: what the waves really bought -- the run's actual speedup
// against the plan's theoretical one, where the time went, and a timeline
// (in characters, or as an SVG picture).
#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "core/error.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "render/report_output.hpp"
#include "report/gather.hpp"
#include "report/svg.hpp"
#include "run/select.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace wave::cmd {

namespace {

void write_picture(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    throw Error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)), exit_code::fatal,
                {"name a file in a folder that exists and that you may write to"});
  }
}

} // namespace

int report(const cli::Args& args) {
  std::string run_option;
  bool json = false;
  std::string svg_path;
  std::string html_path;
  std::optional<cli::ColorWhen> color_flag;
  cli::Parser parser(
      "report", "git wave report [--run <name>] [--json] [--svg <file>] [--html <file>] [--color=<when>]",
      "Show what a run's waves really bought: wall-clock against agent time, the actual speedup "
      "beside the theoretical one, in waves and eagerly, where the time went, the critical path, "
      "and a timeline of every agent's attempts, gates and merges.");
  parser.run(run_option, "the run to report (default: the current branch's, the only one, or the plan's)");
  parser.flag("--json", json, "print one JSON object (see git-wave-report(1))");
  parser.option("--svg", svg_path, "also draw the timeline as a self-contained SVG picture in <file>",
                "<file>");
  parser.option("--html", html_path, "also write an HTML page holding that picture to <file>", "<file>");
  parser.color(color_flag);
  parser.parse(args);

  const git::Repo repo = git::open();
  const std::string run_name = run::select_run(repo.get(), run_option);
  const auto stored = run::load(repo.get(), run_name);
  if (!stored) {
    throw Error(fmt::format("there is no run '{}'", run_name), exit_code::fatal,
                {"'git wave status' shows the runs there are"});
  }
  if (stored->state.waves.empty()) {
    throw Error(fmt::format("run '{}' has not started a wave yet: there is nothing to report", run_name),
                exit_code::fatal, {"start its first wave with 'git wave start' (or 'git wave run')"});
  }
  auto parsed = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", run_name));
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", run_name), exit_code::fatal,
                {fmt::format("see it with 'git show {}:plan.toml'", run::state_ref(run_name))});
  }
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(*parsed.plan, false, ignored);
  const report::Timeline timeline =
      report::gather(repo.get(), stored->state, std::chrono::system_clock::now());
  const report::Report result = report::analyse(*parsed.plan, schedule, timeline);

  std::vector<std::string> written;
  if (!svg_path.empty()) {
    write_picture(svg_path, report::svg(result));
    written.push_back(svg_path);
  }
  if (!html_path.empty()) {
    write_picture(html_path, report::html(result));
    written.push_back(html_path);
  }
  if (json) {
    fmt::print("{}\n", render::report_json(result).dump(2));
    return exit_code::ok;
  }
  const cli::Painter paint = cli::stdout_painter(color_flag, repo.get());
  fmt::print("{}", render::report_text(result, paint));
  for (const auto& path : written) {
    fmt::print("wrote '{}'\n", path);
  }
  return exit_code::ok;
}

} // namespace wave::cmd
