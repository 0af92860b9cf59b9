// git wave run: launch, supervise and land the whole plan (flow/runner).
#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/hook_install.hpp"
#include "cli/progress.hpp"
#include "cli/run_view.hpp"
#include "cli/start_wave.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/runner.hpp"
#include "flow/tmux.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/preset.hpp"
#include "plan/schedule.hpp"
#include "run/store.hpp"
#include "util/duration.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <thread>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

Json event_json(const std::string& run, const flow::Event& e) {
  return Json{{"event", e.type}, {"at", e.at},         {"run", run},
              {"wave", e.wave},  {"agent", e.agent},   {"attempt", e.attempt},
              {"ok", e.ok},      {"detail", e.detail}, {"log", e.log}};
}

bool notable(const std::string& type) {
  return type == "merged" || type == "blocked" || type == "done" ||
         (type == "exited"); // stalls and failures are told through exited
}

// The notify commands of the plan, each with the event as JSON on stdin.
void notify(const std::vector<std::string>& commands, const fs::path& dir, const Json& event) {
  if (commands.empty()) {
    return;
  }
  const std::string type = event["event"].get<std::string>();
  if (type == "exited" && event["detail"].get<std::string>().rfind("stalled", 0) != 0) {
    return; // of the exits, a person cares about stalls
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / "notify-event.json";
  fs::remove(file, ec);
  util::write_new_file(file, event.dump() + "\n");
  for (const auto& command : commands) {
    util::ProcessOptions o;
    o.command = command;
    o.stdin_file = file;
    o.log = dir / "notify.log";
    o.timeout = std::chrono::minutes(1);
    util::run_process(o);
  }
}

} // namespace

int run(const cli::Args& args) {
  cli::Parser parser(
      "run",
      "git wave run [--one-wave] [--no-merge] [--agent <name>] [--tmux] [--dry-run] [--json] [--plan <path>] "
      "[--remote <name>] [--color=<when>]",
      "Run the plan unattended: start the next wave, launch each agent's command in its worktree with its "
      "brief on stdin, supervise it, count it done only when proven (exit 0, changes, ownership, its own "
      "gate), relaunch what failed as a continuation, then gate, merge and go on, until the plan is done or "
      "something needs a person. Run it again to go on from where it stopped.");
  bool one_wave = false;
  bool no_merge = false;
  bool dry_run = false;
  bool json = false;
  bool tmux = false;
  std::string agent;
  std::string plan_option;
  parser.flag("--one-wave", one_wave, "stop once a wave is merged");
  parser.flag("--no-merge", no_merge, "stop once the wave's gate passed, without merging");
  parser.option("--agent", agent, "launch and prove only this agent of the current wave (no gate)", "<name>");
  parser.flag("--tmux", tmux,
              "run each agent in a window of the tmux session 'wave-<run>', to watch or step in "
              "('git wave attach <agent>')");
  parser.flag("--dry-run", dry_run, "print what would be launched, and change nothing");
  parser.flag("--json", json, "print one JSON object per event, one a line (see git-wave-run(1))");
  parser.plan(plan_option);
  std::string remote_option;
  parser.remote(remote_option);
  std::optional<cli::ColorWhen> color_flag;
  parser.color(color_flag);
  parser.parse(args);

  if (tmux) {
    if (const auto missing = flow::tmux_missing()) {
      throw Error(fmt::format("--tmux needs {}, which is not installed", *missing), exit_code::fatal,
                  {fmt::format("install it (Debian: apt-get install {}), or run without --tmux",
                               *missing == "flock" ? "util-linux" : *missing)});
    }
  }
  cli::StartOptions start;
  start.plan_option = plan_option;
  start.jobs = std::max(1U, std::thread::hardware_concurrency());
  start.color = color_flag;
  start.launched = true;
  cli::StartPlace place = cli::prepare_start(start);
  git_repository* repo = place.repo.get();
  const std::string run_name = place.run_name;

  if (dry_run) {
    const auto stored = run::load(repo, run_name);
    const plan::Plan& plan = place.committed.plan;
    const run::WaveRun* w = stored ? stored->state.current() : nullptr;
    std::vector<std::string> agents;
    std::string label;
    if (w != nullptr && w->status != run::WaveStatus::merged) {
      label = w->label;
      for (const auto& a : w->agents) {
        agents.push_back(a.name);
      }
    } else {
      plan::Diagnostics ignored;
      const auto schedule = plan::schedule(plan, false, ignored);
      std::size_t next = 0;
      if (stored) {
        for (const auto& sw : stored->state.waves) {
          if (sw.status == run::WaveStatus::merged) {
            next = std::max(next, *schedule.find_wave(sw.label) + 1);
          }
        }
      }
      if (next >= schedule.waves.size()) {
        fmt::print("run '{}' is complete: nothing to launch\n", run_name);
        return exit_code::ok;
      }
      label = schedule.waves[next].label;
      for (const auto i : schedule.waves[next].agents) {
        agents.push_back(plan.agents[i].name);
      }
      fmt::print("would start wave {} of run '{}'\n", label, run_name);
    }
    for (const auto& name : agents) {
      if (!agent.empty() && name != agent) {
        continue;
      }
      const auto how = plan::agent_launch(plan, name, cli::self_path());
      fmt::print("would launch {} (wave {}): {}\n", name, label,
                 how.command.empty() ? std::string("(no launch command in the plan)") : how.command);
      if (!how.preset.empty()) {
        fmt::print("  preset {}; environment GIT_WAVE_RUN, GIT_WAVE_AGENT, GIT_WAVE_WAVE, GIT_WAVE_BRIEF, "
                   "GIT_WAVE_ATTEMPT, the brief on stdin\n",
                   how.preset);
        for (const auto& f : how.files) {
          fmt::print("  writes {} in its worktree:\n", util::quote(f.path.string()));
          for (const auto& line : util::split(util::trim(f.content), '\n')) {
            fmt::print("    {}\n", line);
          }
        }
        for (const auto& pattern : how.exclude) {
          fmt::print("  excludes {} (the repository's info/exclude)\n", pattern);
        }
      }
    }
    if (tmux) {
      fmt::print("each in a window of tmux session '{}'\n", flow::tmux_session(run_name));
    }
    fmt::print("at most {} at a time, {} apart; timeout {}, idle timeout {}, {} retr{}\n", plan.max_parallel,
               util::format_duration(plan.runner.stagger), util::format_duration(plan.runner.timeout),
               util::format_duration(plan.runner.idle_timeout), plan.runner.retries,
               plan.runner.retries == 1 ? "y" : "ies");
    return exit_code::ok;
  }

  const cli::KillChildrenOnSignal interrupts;
  std::optional<flow::RemoteRun> remote = cli::remote_for_start(place, remote_option);
  const auto lock = cli::lock_run(repo, run_name, "run", nullptr, remote ? &*remote : nullptr);
  const cli::Painter paint = cli::stdout_painter(color_flag, repo);
  std::vector<std::string> notify_commands = place.committed.plan.runner.notify;
  if (const auto stored = run::load(repo, run_name)) {
    if (auto parsed = plan::parse(stored->plan_text, "wave.toml"); parsed.plan) {
      notify_commands = parsed.plan->runner.notify;
    }
  }
  const fs::path notify_dir = run::logs_dir(repo, run_name);

  flow::RunOptions options;
  options.one_wave = one_wave;
  options.no_merge = no_merge;
  options.agent = agent;
  options.tmux = tmux;
  options.self = cli::self_path();
  flow::RunHooks hooks;
  const bool live = !json && cli::live_terminal(1);
  cli::RunView view(stdout, live, paint, git_repository_path(repo), run_name);
  hooks.start_next = [&]() {
    cli::StartOutcome outcome = cli::StartOutcome::ready;
    view.pause();
    const int code = json ? [&] {
      // Under --json, start's own lines would break the stream: it goes to stderr.
      std::fflush(stdout);
      const int out = ::dup(1);
      ::dup2(2, 1);
      const int c = cli::start_locked(place, start, &outcome);
      std::fflush(stdout);
      ::dup2(out, 1);
      ::close(out);
      return c;
    }()
                          : cli::start_locked(place, start, &outcome);
    if (remote) {
      cli::publish_start(repo, *remote);
    }
    view.resume();
    if (outcome == cli::StartOutcome::complete) {
      return false;
    }
    if (code != exit_code::ok && outcome != cli::StartOutcome::setup_failed) {
      throw Exit(code);
    }
    if (const auto stored = run::load(repo, run_name); stored && stored->state.current()) {
      flow::Event e;
      e.type = "started";
      e.at = run::now_text();
      e.wave = stored->state.current()->label;
      e.ok = outcome == cli::StartOutcome::ready;
      e.detail = e.ok ? "wave started" : "some setup failed";
      hooks.emit(e);
    }
    return true;
  };
  hooks.emit = [&](const flow::Event& e) {
    const Json j = event_json(run_name, e);
    if (json) {
      fmt::print("{}\n", j.dump());
      std::fflush(stdout);
    } else {
      view.event(e);
    }
    if (notable(e.type)) {
      notify(notify_commands, notify_dir, j);
    }
  };

  if (remote) {
    hooks.publish = [&] { cli::publish_after(repo, remote); };
    hooks.land = [&](const run::WaveRun& w) { flow::land(repo, *remote, w); };
  }
  if (tmux && !json) {
    fmt::print("agents run in windows of tmux session '{}': watch one with 'git wave attach <agent>'\n",
               flow::tmux_session(run_name));
  }
  const flow::RunResult result = [&] {
    try {
      return flow::drive(repo, run_name, options, hooks);
    } catch (const flow::LandRefused&) {
      // As git wave merge: the remote's record is the run's; this clone's
      // claim, undone, changed nothing anywhere.
      cli::take_remote_record(repo, *remote);
      throw;
    }
  }();
  view.finish();
  if (result.end == flow::RunEnd::blocked) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} blocked: {}\n", err(cli::Color::red, "error:"), result.blocked);
    for (const auto& n : result.next) {
      fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "hint:"), n);
    }
    return exit_code::not_satisfied;
  }
  return exit_code::ok;
}

} // namespace wave::cmd
