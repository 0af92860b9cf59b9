#include "cli/wave_context.hpp"

#include "cli/plan_loader.hpp"
#include "cli/term.hpp"
#include "core/error.hpp"
#include "flow/recover.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "remote/publish.hpp"
#include "remote/remote_run.hpp"
#include "run/select.hpp"
#include "run/store.hpp"
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

void print_notes(const std::vector<std::string>& notes) {
  if (notes.empty()) {
    return;
  }
  const Painter paint = painter_for_stderr();
  for (const auto& note : notes) {
    fmt::print(stderr, "{} {}\n", paint(Color::yellow, "note:"), note);
  }
}

// The run: as select_run finds it here, else (a clone that never saw it)
// the only one, or the named one, on the remote.
std::string run_name(git_repository* repo, const std::string& run_option, const std::string& remote_option) {
  try {
    return run::select_run(repo, run_option);
  } catch (const Error&) {
    // Not here: on the remote named, else on the one the plan here names.
    const std::string remote = !remote_option.empty() ? remote_option : remote_of(repo, run_option, "");
    if (remote.empty()) {
      throw;
    }
    return remote_run(git::common_dir(repo), remote, run_option);
  }
}

WaveContext load(const std::string& run_option, const std::string& wave_option, std::string_view command,
                 const std::string& remote_option) {
  WaveContext ctx;
  ctx.repo = git::open();
  git::require_full_history(ctx.repo.get());
  const std::string name = run_name(ctx.repo.get(), run_option, remote_option);
  // Reading commands go to the network only when told to.
  const std::string remote = command.empty() ? remote_option : remote_of(ctx.repo.get(), name, remote_option);
  flow::Recovery recovery;
  if (!remote.empty()) {
    ctx.remote = flow::RemoteRun{};
    ctx.remote->remote = remote;
    ctx.remote->run = name;
    if (const auto here = run::load(ctx.repo.get(), name)) {
      ctx.remote->integration = here->state.integration;
    }
  }
  if (!command.empty()) {
    ctx.interrupts = std::make_unique<KillChildrenOnSignal>();
    ctx.lock = lock_run(ctx.repo.get(), name, command, &recovery, ctx.remote ? &*ctx.remote : nullptr);
  } else if (ctx.remote) {
    // Reading only: the state comes forward, nothing here is changed.
    *ctx.remote = flow::fetch_remote(ctx.repo.get(), remote, name, ctx.remote->integration);
    flow::forward_state(ctx.repo.get(), *ctx.remote);
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

WaveContext load_wave(const std::string& run_option, const std::string& wave_option,
                      const std::string& remote_option) {
  return load(run_option, wave_option, {}, remote_option);
}

WaveContext lock_wave(const std::string& run_option, const std::string& wave_option, std::string_view command,
                      const std::string& remote_option) {
  return load(run_option, wave_option, command, remote_option);
}

std::string remote_of(git_repository* repo, const std::string& run, const std::string& option) {
  if (!option.empty()) {
    return option;
  }
  if (const auto text = run::load_plan_text(repo, run)) {
    const auto parsed = plan::parse(*text, "wave.toml");
    return parsed.plan ? parsed.plan->remote : std::string();
  }
  // A clone that has never seen the run (CI, a second lead): the plan in
  // its working tree says where the run is kept.
  try {
    const auto where = resolve_plan_path(repo, "");
    const auto parsed = plan::parse(read_plan_file(where), where.shown);
    if (parsed.plan && (run.empty() || parsed.plan->name == run)) {
      return parsed.plan->remote;
    }
  } catch (const Error&) {
    // no readable plan here: no remote
  }
  return {};
}

void publish_after(git_repository* repo, std::optional<flow::RemoteRun>& remote) {
  if (!remote) {
    return;
  }
  const auto published = flow::publish(repo, *remote);
  if (!published.ok) {
    const Painter paint = painter_for_stderr();
    fmt::print(stderr, "{} '{}' did not take this record of run '{}': {}\n", paint(Color::yellow, "warning:"),
               remote->remote, remote->run, published.output);
    fmt::print(stderr,
               "{} the next command of the run publishes it, or keeps the remote's record if another "
               "machine changed the run meanwhile\n",
               paint(Color::yellow, "hint:"));
  }
}

void take_remote_record(git_repository* repo, const flow::RemoteRun& remote) {
  try {
    flow::take_remote_state(repo, remote);
  } catch (const Error& e) {
    const Painter paint = painter_for_stderr();
    fmt::print(stderr, "{} this clone keeps its record of run '{}', not '{}''s: {}\n",
               paint(Color::yellow, "warning:"), remote.run, remote.remote, e.what());
    fmt::print(stderr, "{} the next command of the run takes the remote's\n", paint(Color::yellow, "hint:"));
  }
}

std::unique_ptr<run::RunLock> lock_run(git_repository* repo, const std::string& run, std::string_view command,
                                       flow::Recovery* recovery, flow::RemoteRun* remote) {
  auto lock = std::make_unique<run::RunLock>(repo, run, command);
  flow::Recovery early;
  if (remote != nullptr) {
    // A commit, abort or repair a kill left half done changed only this
    // clone: it is finished before the remote's record may replace ours. (A
    // merge is published first, then finished: below.)
    const auto here = run::load(repo, run);
    const run::WaveRun* pending = here ? here->state.pending() : nullptr;
    if (pending != nullptr && pending->intent->kind != run::IntentKind::merge) {
      early = flow::recover(repo, run);
      print_notes(early.notes);
    }
    print_notes(flow::clear_stale_locks(repo, run));
    *remote = flow::fetch_remote(repo, remote->remote, run, remote->integration);
    auto synced = flow::sync(repo, *remote);
    print_notes(synced.notes);
    if (!synced.problems.empty()) {
      const std::string first = synced.problems.front();
      std::vector<std::string> hints(synced.problems.begin() + 1, synced.problems.end());
      hints.push_back(fmt::format("fix it, then run 'git wave {}' again", command));
      throw Error(first, exit_code::fatal, std::move(hints));
    }
  }
  auto recovered = flow::recover(repo, run);
  print_notes(recovered.notes);
  if (!recovered.finished && early.finished) {
    recovered = std::move(early);
  }
  if (recovery != nullptr) {
    *recovery = std::move(recovered);
  }
  return lock;
}

std::size_t require_agent(const plan::Plan& plan, const std::string& agent) {
  if (const auto index = plan.find(agent)) {
    return *index;
  }
  std::vector<std::string> names;
  for (const auto& a : plan.agents) {
    names.push_back(a.name);
  }
  std::vector<std::string> hints;
  if (auto best = util::nearest(agent, names)) {
    hints.push_back(fmt::format("did you mean '{}'?", *best));
  }
  hints.push_back(fmt::format("its agents: {}", util::join(names, ", ")));
  throw Error(fmt::format("run '{}' has no agent {}", plan.name, util::quote(agent)), exit_code::fatal,
              std::move(hints));
}

} // namespace wave::cli
