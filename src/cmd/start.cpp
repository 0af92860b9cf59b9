#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/start_wave.hpp"
#include "remote/publish.hpp"
#include "render/start_output.hpp"
#include "util/duration.hpp"

#include <fmt/format.h>

#include <thread>

namespace wave::cmd {

int start(const cli::Args& args) {
  std::string plan_option;
  std::string wave;
  std::string worktrees;
  unsigned jobs = std::max(1U, std::thread::hardware_concurrency());
  std::string timeout_text = "20m";
  bool no_hooks = false;
  cli::Parser parser(
      "start",
      "git wave start [--wave <label>] [--worktrees <template>] [-j <n>] [--setup-timeout <duration>] "
      "[--no-hooks] [--plan <path>] [--remote <name>] [--color=<when>]",
      "Start the next wave of the plan's run: for each agent a branch wave/<run>/<agent> at the integration "
      "branch's tip and a worktree, set up. Run again to complete a start that was interrupted.");
  parser.option("--wave", wave, "start this wave (its label, e.g. 2 or 2b) rather than the next one",
                "<label>");
  parser.option(
      "--worktrees", worktrees,
      "where the worktrees go, like the plan's 'worktrees': a template with {repo}, {run} and {agent}",
      "<template>");
  parser.option("-j,--jobs", jobs,
                "check out and set up this many worktrees at once (default: the CPU count)", "<n>", 1, 256);
  parser.option("--setup-timeout", timeout_text,
                "kill a setup command running longer than this (default 20m)", "<duration>");
  parser.flag("--no-hooks", no_hooks, "do not install the pre-commit hook");
  parser.plan(plan_option);
  std::string remote_option;
  parser.remote(remote_option);
  std::optional<cli::ColorWhen> color_flag;
  parser.color(color_flag);
  parser.parse(args);

  const auto timeout = util::parse_duration(timeout_text);
  if (!timeout || timeout->count() <= 0 || *timeout > util::max_duration) {
    throw UsageError(fmt::format("invalid duration '{}' for --setup-timeout", timeout_text),
                     {"write it like 90s, 10m or 1h30m"});
  }
  if (!worktrees.empty() && worktrees.find("{agent}") == std::string::npos) {
    throw UsageError(fmt::format("--worktrees '{}' must contain {{agent}}", worktrees),
                     {"every agent needs its own worktree, e.g. --worktrees '../wt/{run}/{agent}'"});
  }

  flow::StartOptions options;
  options.plan_option = plan_option;
  options.wave = wave;
  options.worktrees = worktrees;
  options.jobs = jobs;
  options.setup_timeout = *timeout;
  options.no_hooks = no_hooks;
  render::StartPrinter printer(stdout, false);
  flow::StartPlace place = flow::prepare_start(options, printer);
  // From here on this start is the only command changing the run; what a
  // killed one left (a merge half done) is finished before deciding.
  const cli::KillChildrenOnSignal interrupts;
  auto remote =
      flow::remote_for_start(place, cli::remote_of(place.repo.get(), place.run_name, remote_option));
  const auto lock =
      cli::lock_run(place.repo.get(), place.run_name, "start", nullptr, remote ? &*remote : nullptr);
  printer.paint_with(cli::stdout_painter(color_flag, place.repo.get()));
  const int code = printer.finish(flow::start_wave(place, options, printer));
  if (remote && flow::publish_start(place.repo.get(), *remote)) {
    render::print_published(*remote);
  }
  return code;
}

} // namespace wave::cmd
