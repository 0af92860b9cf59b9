#include "cli/wave_context.hpp"

#include "cli/plan_loader.hpp"
#include "core/error.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "run/branch.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::cli {

CLI::Option* add_run_option(CLI::App& app, std::string& run) {
  return app.add_option("--run", run, "the run to work on, when the repository has several")->option_text("<name>");
}

namespace {

// The name of the run the working tree's plan describes, when it can be read.
std::optional<std::string> plan_run_name(git_repository* repo) {
  try {
    const PlanPath where = resolve_plan_path(repo, "");
    const std::string text = read_plan_file(where);
    auto parsed = plan::parse(text, where.shown);
    if (parsed.plan && !parsed.plan->name.empty()) {
      return parsed.plan->name;
    }
  } catch (const Error&) {
    // No readable plan here: the other ways of finding the run decide.
  }
  return std::nullopt;
}

std::string find_run(git_repository* repo, const std::string& option) {
  const auto runs = run::list_runs(repo);
  if (!option.empty()) {
    if (std::find(runs.begin(), runs.end(), option) == runs.end()) {
      std::vector<std::string> hints;
      if (auto best = util::nearest(option, runs)) {
        hints.push_back(fmt::format("did you mean '{}'?", *best));
      }
      hints.emplace_back(runs.empty() ? "start one with 'git wave start'"
                                      : fmt::format("runs in this repository: {}", util::join(runs, ", ")));
      throw Error(fmt::format("no run named '{}'", option), exit_code::fatal, std::move(hints));
    }
    return option;
  }
  if (const auto branch = git::current_branch(repo)) {
    if (const auto agent = run::parse_agent_branch(*branch)) {
      if (std::find(runs.begin(), runs.end(), agent->run) != runs.end()) {
        return agent->run;
      }
    }
  }
  if (runs.empty()) {
    throw Error("no wave run in this repository", exit_code::fatal, {"start one with 'git wave start'"});
  }
  if (git_repository_is_bare(repo) == 0) {
    if (const auto name = plan_run_name(repo); name && std::find(runs.begin(), runs.end(), *name) != runs.end()) {
      return *name;
    }
  }
  if (runs.size() == 1) {
    return runs.front();
  }
  throw Error(fmt::format("this repository has {} runs: {}", runs.size(), util::join(runs, ", ")), exit_code::fatal,
              {"name one with --run <name>"});
}

std::size_t find_wave(const run::State& state, const std::string& option) {
  if (!option.empty()) {
    for (std::size_t i = state.waves.size(); i-- > 0;) {
      if (state.waves[i].label == option && state.waves[i].status != run::WaveStatus::aborted) {
        return i;
      }
    }
    std::vector<std::string> labels;
    for (const auto& w : state.waves) {
      if (w.status != run::WaveStatus::aborted &&
          std::find(labels.begin(), labels.end(), w.label) == labels.end()) {
        labels.push_back(w.label);
      }
    }
    throw Error(fmt::format("wave '{}' of run '{}' is not started", option, state.run), exit_code::fatal,
                {labels.empty() ? std::string("start it with 'git wave start'")
                                : fmt::format("started waves: {}", util::join(labels, ", "))});
  }
  for (std::size_t i = state.waves.size(); i-- > 0;) {
    if (state.waves[i].status != run::WaveStatus::aborted) {
      return i;
    }
  }
  throw Error(fmt::format("run '{}' has no started wave", state.run), exit_code::fatal,
              {"start the next one with 'git wave start'"});
}

} // namespace

WaveContext load_wave(const std::string& run_option, const std::string& wave_option) {
  WaveContext ctx;
  ctx.repo = git::open();
  const std::string name = find_run(ctx.repo.get(), run_option);
  auto stored = run::load(ctx.repo.get(), name);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", name), exit_code::fatal, {"start one with 'git wave start'"});
  }
  ctx.stored = std::move(*stored);
  ctx.plan = load_plan_text(ctx.stored.plan_text, fmt::format("wave.toml (recorded for run {})", name));
  ctx.wave = find_wave(ctx.stored.state, wave_option);
  return ctx;
}

void reload(WaveContext& ctx) {
  const std::string label = ctx.wave_run().label;
  const std::string started = ctx.wave_run().started_at;
  auto stored = run::load(ctx.repo.get(), ctx.run_name());
  if (!stored) {
    throw Error(fmt::format("the run '{}' disappeared", ctx.run_name()));
  }
  for (std::size_t i = 0; i < stored->state.waves.size(); ++i) {
    if (stored->state.waves[i].label == label && stored->state.waves[i].started_at == started) {
      ctx.stored = std::move(*stored);
      ctx.wave = i;
      return;
    }
  }
  throw Error(fmt::format("wave {} of run '{}' changed underneath; re-run", label, ctx.run_name()));
}

} // namespace wave::cli
