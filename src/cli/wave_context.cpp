#include "cli/wave_context.hpp"

#include "cli/plan_loader.hpp"
#include "cli/run_select.hpp"
#include "core/error.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wave::cli {

namespace {

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
  const std::string name = select_run(ctx.repo.get(), run_option);
  auto stored = run::load(ctx.repo.get(), name);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", name), exit_code::fatal,
                {"start one with 'git wave start'"});
  }
  ctx.stored = std::move(*stored);
  ctx.plan = load_plan_text(ctx.stored.plan_text, fmt::format("wave.toml (recorded for run {})", name));
  ctx.wave = find_wave(ctx.stored.state, wave_option);
  return ctx;
}

} // namespace wave::cli
