#include "cli/wave_context.hpp"

#include "cli/term.hpp"
#include "cli/plan_loader.hpp"
#include "cli/run_select.hpp"
#include "core/error.hpp"
#include "flow/recover.hpp"
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

namespace {

WaveContext load(const std::string& run_option, const std::string& wave_option, std::string_view command) {
  WaveContext ctx;
  ctx.repo = git::open();
  git::require_full_history(ctx.repo.get());
  const std::string name = select_run(ctx.repo.get(), run_option);
  flow::Recovery recovery;
  if (!command.empty()) {
    ctx.interrupts = std::make_unique<KillChildrenOnSignal>();
    ctx.lock = lock_run(ctx.repo.get(), name, command, &recovery);
  }
  auto stored = run::load(ctx.repo.get(), name);
  if (!stored) {
    throw Error(fmt::format("no run named '{}'", name), exit_code::fatal,
                {"start one with 'git wave start'"});
  }
  ctx.stored = std::move(*stored);
  ctx.plan = load_plan_text(ctx.stored.plan_text, fmt::format("wave.toml (recorded for run {})", name));
  if (recovery.finished && recovery.finished->second < ctx.stored.state.waves.size() &&
      to_string(recovery.finished->first) == command &&
      (wave_option.empty() || wave_option == ctx.stored.state.waves[recovery.finished->second].label)) {
    ctx.wave = recovery.finished->second;
    ctx.finished = true;
    ctx.recovery = std::move(recovery);
    return ctx;
  }
  ctx.wave = find_wave(ctx.stored.state, wave_option);
  return ctx;
}

} // namespace

WaveContext load_wave(const std::string& run_option, const std::string& wave_option) {
  return load(run_option, wave_option, {});
}

WaveContext lock_wave(const std::string& run_option, const std::string& wave_option, std::string_view command) {
  return load(run_option, wave_option, command);
}

std::unique_ptr<run::RunLock> lock_run(git_repository* repo, const std::string& run, std::string_view command,
                                       flow::Recovery* recovery) {
  auto lock = std::make_unique<run::RunLock>(repo, run, command);
  auto recovered = flow::recover(repo, run);
  const auto& notes = recovered.notes;
  if (!notes.empty()) {
    const Painter paint = painter_for_stderr();
    for (const auto& note : notes) {
      fmt::print(stderr, "{} {}\n", paint(Color::yellow, "note:"), note);
    }
  }
  if (recovery != nullptr) {
    *recovery = std::move(recovered);
  }
  return lock;
}

} // namespace wave::cli
