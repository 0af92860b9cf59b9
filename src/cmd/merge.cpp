#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/merge.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/schedule.hpp"
#include "remote/publish.hpp"
#include "remote/remote.hpp"
#include "run/branch.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

namespace {

// The wave of the plan after `label` (its label and agents), or nothing when
// `label` was the last.
std::optional<std::pair<std::string, std::vector<std::string>>> next_wave(const plan::Plan& plan,
                                                                          const std::string& label) {
  plan::Diagnostics ignored;
  const plan::Schedule schedule = plan::schedule(plan, false, ignored);
  const auto i = schedule.find_wave(label);
  if (!i || *i + 1 >= schedule.waves.size()) {
    return std::nullopt;
  }
  const auto& next = schedule.waves[*i + 1];
  std::vector<std::string> names;
  for (const auto a : next.agents) {
    names.push_back(plan.agents[a].name);
  }
  return std::make_pair(next.label, std::move(names));
}

} // namespace

int merge(const cli::Args& args) {
  cli::Parser parser(
      "merge",
      "git wave merge [--wave <label>] [--keep] [--json] [--run <name>] [--remote <name>] [--color=<when>]",
      "Land a gated wave: move the integration branch to the candidate its gate passed on, "
      "only if neither the branch nor any agent's tip moved since; then remove the wave's "
      "worktrees and branches.");
  std::string wave;
  std::string run;
  std::string remote;
  bool keep = false;
  bool json = false;
  std::optional<cli::ColorWhen> color_flag;
  parser.option("--wave", wave, "merge this wave (its label) rather than the current one", "<label>");
  parser.flag("--keep", keep, "keep the wave's worktrees and branches");
  parser.flag("--json", json, "print the result as JSON");
  parser.run(run);
  parser.remote(remote);
  parser.color(color_flag);
  parser.parse(args);

  // Merged before this command began (read without the lock): a rerun. A
  // wave merged while it waited for the lock was merged by a merge racing
  // this one, which loses, and says so (exit 1).
  const bool merged_before = [&] {
    try {
      const cli::WaveContext before = cli::load_wave(run, wave);
      const run::WaveRun& b = before.wave_run();
      return b.status == run::WaveStatus::merged && !b.intent;
    } catch (const std::exception&) {
      return false;
    }
  }();
  cli::WaveContext ctx = cli::lock_wave(run, wave, "merge", remote);
  const run::WaveRun& w = ctx.wave_run();
  const std::string& integration_branch = ctx.stored.state.integration;
  if (merged_before && w.status == run::WaveStatus::merged && !(ctx.finished && ctx.recovery.merged)) {
    // A rerun of a merge that is done (the kill hit its last clean-up, or
    // a script runs it twice): nothing to do, as git merge's "Already up to
    // date.", not a refusal.
    const std::string to = w.merged ? w.merged->to : std::string();
    const auto after = next_wave(ctx.plan, w.label);
    if (json) {
      nlohmann::ordered_json out = {{"run", ctx.run_name()},
                                    {"wave", w.label},
                                    {"integration", integration_branch},
                                    {"from", w.merged ? w.merged->from : std::string()},
                                    {"to", to},
                                    {"resumed", false},
                                    {"already_merged", true},
                                    {"worktree", ""},
                                    {"worktree_problem", ""},
                                    {"done", nlohmann::ordered_json::array()},
                                    {"kept", nlohmann::ordered_json::array()},
                                    {"archive", w.merged ? w.merged->archive : std::string()},
                                    {"next_wave", after ? nlohmann::ordered_json(after->first) : nullptr}};
      fmt::print("{}\n", out.dump(2));
      return exit_code::ok;
    }
    fmt::print("wave {} of run '{}' is already merged into '{}'{}; nothing to do\n", w.label, ctx.run_name(),
               integration_branch, to.empty() ? std::string() : fmt::format(" ({})", git::short_oid(to)));
    if (after) {
      fmt::print("next: wave {} ({}); start it with 'git wave start'\n", after->first,
                 util::join(after->second, ", "));
    }
    return exit_code::ok;
  }
  flow::MergeOutcome outcome;
  if (ctx.finished && ctx.recovery.merged) {
    // This very merge was killed half way; lock_wave has just finished it.
    outcome = *ctx.recovery.merged;
  } else {
    flow::MergeOptions options{keep, {}};
    if (ctx.remote) {
      options.publish = [&](const run::WaveRun& landing) {
        flow::land(ctx.repo.get(), *ctx.remote, landing);
      };
    }
    try {
      outcome =
          flow::merge_wave(ctx.repo.get(), ctx.run_name(), run::WaveId::of(ctx.stored.state, w), options);
    } catch (const flow::LandRefused&) {
      // The remote's record is the run's: this clone's claim, undone,
      // changed nothing anywhere.
      cli::take_remote_record(ctx.repo.get(), *ctx.remote);
      throw;
    }
  }
  cli::publish_after(ctx.repo.get(), ctx.remote);
  const std::string& integration = ctx.stored.state.integration;
  const auto next = next_wave(ctx.plan, w.label);

  if (json) {
    nlohmann::ordered_json out = {{"run", ctx.run_name()},
                                  {"wave", w.label},
                                  {"integration", integration},
                                  {"from", git::oid_str(outcome.from)},
                                  {"to", git::oid_str(outcome.to)},
                                  {"resumed", outcome.resumed},
                                  {"worktree", outcome.worktree ? outcome.worktree->string() : ""},
                                  {"worktree_problem", outcome.worktree_problem},
                                  {"done", outcome.done},
                                  {"kept", outcome.kept},
                                  {"archive", outcome.archive},
                                  {"next_wave", next ? nlohmann::ordered_json(next->first) : nullptr}};
    fmt::print("{}\n", out.dump(2));
    return outcome.worktree_problem.empty() ? exit_code::ok : exit_code::fatal;
  }
  const cli::Painter paint = cli::stdout_painter(color_flag, ctx.repo.get());
  fmt::print("{} wave {} of run '{}' into '{}': {}..{}{}\n", paint(cli::Color::green, "merged"), w.label,
             ctx.run_name(), integration, git::short_oid(outcome.from), git::short_oid(outcome.to),
             outcome.resumed ? " (finishing an interrupted merge)" : "");
  if (outcome.worktree) {
    fmt::print("updated the worktree '{}'\n", outcome.worktree->string());
  }
  for (const auto& line : outcome.done) {
    fmt::print("{}\n", line);
  }
  for (const auto& line : outcome.kept) {
    fmt::print("kept {}\n", line);
  }
  if (!outcome.worktree_problem.empty()) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} {}\n", err(cli::Color::red, "error:"), outcome.worktree_problem);
    fmt::print(stderr, "{} bring it along with 'git -C <worktree> read-tree -m -u {} {}' once it is clean\n",
               err(cli::Color::yellow, "hint:"), git::oid_str(outcome.from), git::oid_str(outcome.to));
    return exit_code::fatal;
  }
  if (next) {
    fmt::print("next: wave {} ({}); start it with 'git wave start'\n", next->first,
               util::join(next->second, ", "));
  } else {
    fmt::print("run '{}' is complete: every wave is merged into '{}'\n", ctx.run_name(), integration);
  }
  return exit_code::ok;
}

} // namespace wave::cmd
