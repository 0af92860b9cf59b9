// git wave run: launch, supervise and land the whole plan (runner/runner).
#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/progress.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/start_wave.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "plan/parse.hpp"
#include "plan/preset.hpp"
#include "plan/schedule.hpp"
#include "remote/publish.hpp"
#include "render/run_view.hpp"
#include "render/start_output.hpp"
#include "run/decisions.hpp"
#include "run/store.hpp"
#include "runner/runner.hpp"
#include "runner/tmux.hpp"
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

// An attempt's usage as status --json shows it: cost and turns null when
// the agent CLI did not report them.
Json usage_json(const run::Usage& u) {
  return Json{{"cost_usd", u.cost_usd ? Json(*u.cost_usd) : Json()},
              {"turns", u.turns ? Json(*u.turns) : Json()},
              {"input_tokens", u.input_tokens},
              {"output_tokens", u.output_tokens}};
}

Json event_json(const std::string& run, const flow::Event& e) {
  return Json{{"event", e.type},  {"at", e.at},
              {"run", run},       {"wave", e.wave},
              {"agent", e.agent}, {"attempt", e.attempt},
              {"ok", e.ok},       {"detail", e.detail},
              {"log", e.log},     {"usage", e.usage ? usage_json(*e.usage) : Json()}};
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

// The label of the wave the run starts next, or empty when none is left.
std::string next_label(const plan::Plan& plan, const run::State* state) {
  plan::Diagnostics ignored;
  const auto schedule = plan::schedule(plan, false, ignored);
  const std::size_t next = run::next_wave(plan, schedule, state);
  return next < schedule.waves.size() ? schedule.waves[next].label : std::string();
}

// The agents the run launches next: the wave in progress's not yet done,
// else the next wave's not skipped (`only`: just that one).
std::vector<std::string> agents_to_launch(const plan::Plan& plan, const run::State* state,
                                          const std::string& only) {
  std::vector<std::string> out;
  const run::WaveRun* w = state != nullptr ? state->current() : nullptr;
  if (w != nullptr && w->status != run::WaveStatus::merged) {
    for (const auto& a : w->agents) {
      const auto standing = run::standing_of(*state, *w, a.name).standing;
      if ((only.empty() || a.name == only) && standing != run::Standing::done &&
          standing != run::Standing::accepted) {
        out.push_back(a.name);
      }
    }
    return out;
  }
  const std::string label = next_label(plan, state);
  if (label.empty()) {
    return out;
  }
  plan::Diagnostics ignored;
  const auto schedule = plan::schedule(plan, false, ignored);
  const auto skipped =
      state != nullptr ? run::skipped_agents(*state, plan) : std::map<std::string, std::string>{};
  for (const auto i : schedule.waves[*schedule.find_wave(label)].agents) {
    const auto& name = plan.agents[i].name;
    if ((only.empty() || name == only) && skipped.count(name) == 0) {
      out.push_back(name);
    }
  }
  return out;
}

// With merge = "merge", the commits of attempts that failed landed under
// the merges (a commit that does not build, on the integration branch):
// say so once the waves are merged, and what keeps them out next time.
void hint_squash(git_repository* repo, const std::string& run_name) {
  const auto stored = run::load(repo, run_name);
  if (!stored) {
    return;
  }
  const auto parsed = plan::parse(stored->plan_text, "wave.toml");
  if (!parsed.plan || parsed.plan->merge != plan::MergeStyle::merge) {
    return;
  }
  std::size_t failed = 0;
  for (const auto& w : stored->state.waves) {
    if (w.status != run::WaveStatus::merged) {
      continue;
    }
    for (const auto& a : w.attempts) {
      failed += a.end != run::AttemptEnd::done && a.end != run::AttemptEnd::running ? 1 : 0;
    }
  }
  if (failed == 0) {
    return;
  }
  const cli::Painter err = cli::painter_for_stderr();
  fmt::print(
      stderr,
      "{} {} attempt{} failed in merged waves; with merge = \"merge\" the commits they left landed under "
      "the merges\n",
      err(cli::Color::yellow, "hint:"), failed, failed == 1 ? "" : "s");
  fmt::print(stderr, "{} merge = \"squash\" in wave.toml lands one commit per agent in the next run\n",
             err(cli::Color::yellow, "hint:"));
}

// --dry-run: what the run would start and launch, changing nothing.
void print_dry_run(const plan::Plan& plan, const run::State* state, const std::string& run_name,
                   const std::vector<std::string>& next_agents, const std::string& agent, bool tmux) {
  const run::WaveRun* w = state != nullptr ? state->current() : nullptr;
  if (w == nullptr || w->status == run::WaveStatus::merged) {
    if (next_agents.empty()) {
      fmt::print("run '{}' is complete: nothing to launch\n", run_name);
      return;
    }
    fmt::print("would start wave {} of run '{}'\n", next_label(plan, state), run_name);
  }
  const std::string label =
      w != nullptr && w->status != run::WaveStatus::merged ? w->label : next_label(plan, state);
  for (const auto& name : next_agents) {
    if (!agent.empty() && name != agent) {
      continue;
    }
    const auto how = plan::agent_launch(plan, name, git::self_path());
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
}

// Everything the next wave needs is checked before anything starts: how to
// launch each agent (`recorded`: the run has started, with its own plan).
void require_launch_commands(const plan::Plan& plan, const std::vector<std::string>& next_agents,
                             bool recorded) {
  for (const auto& name : next_agents) {
    if (plan::agent_launch(plan, name, git::self_path()).command.empty()) {
      throw Error(
          fmt::format("the plan says not how to launch agent '{}'", name), exit_code::fatal,
          {"set agent = \"claude-code\" (or codex, gemini, aider) in [run] of wave.toml, or on the agent; or "
           "launch = \"...\": a command that reads the brief on stdin and works in the worktree",
           recorded ? "commit it, then 'git wave amend' lets this run take it"
                    : "commit it, then run 'git wave run' again",
           "or start the wave and launch the agents yourself: 'git wave start', then 'git wave gate'"});
    }
  }
}

} // namespace

int run(const cli::Args& args) {
  cli::Parser parser(
      "run",
      "git wave run [--one-wave] [--no-merge] [--agent <name>] [--tmux] [--bisect=<n> | --no-bisect] "
      "[--dry-run] [--json] [--plan <path>] [--remote <name>] [--color=<when>]",
      "Run the plan unattended: start the next wave, launch each agent's command in its worktree with its "
      "brief on stdin, supervise it, count it done only when proven (exit 0, changes, ownership, its own "
      "gate), relaunch what failed as a continuation, then gate, merge and go on, until the plan is done or "
      "something needs a person. Run it again to go on from where it stopped.");
  bool one_wave = false;
  bool no_merge = false;
  bool dry_run = false;
  bool json = false;
  bool tmux = false;
  bool no_bisect = false;
  unsigned bisect_runs = 0;
  std::string agent;
  std::string plan_option;
  parser.flag("--one-wave", one_wave, "stop once a wave is merged");
  parser.flag("--no-merge", no_merge, "stop once the wave's gate passed, without merging");
  parser.option("--agent", agent, "launch and prove only this agent of the current wave (no gate)", "<name>");
  parser.flag("--tmux", tmux,
              "run each agent in a window of the tmux session 'wave-<run>', to watch or step in "
              "('git wave attach <agent>')");
  parser.option("--bisect", bisect_runs,
                "search for the culprit of a failed wave gate in at most <n> gate runs (0: not at all; "
                "default: the plan's [gate] bisect, else as many as it takes)",
                "<n>", 0, 1000);
  parser.flag("--no-bisect", no_bisect, "when a wave's gate fails, do not search for the culprit");
  parser.flag("--dry-run", dry_run, "print what would be launched, and change nothing");
  parser.flag("--json", json, "print one JSON object per event, one a line (see git-wave-run(1))");
  parser.plan(plan_option);
  std::string remote_option;
  parser.remote(remote_option);
  std::optional<cli::ColorWhen> color_flag;
  parser.color(color_flag);
  parser.parse(args);
  if (no_bisect && parser.given("--bisect")) {
    throw UsageError("--bisect and --no-bisect cannot be used together", {"see 'git wave run -h'"});
  }

  if (tmux) {
    if (const auto missing = flow::tmux_missing()) {
      throw Error(fmt::format("--tmux needs {}, which is not installed", *missing), exit_code::fatal,
                  {fmt::format("install it (Debian: apt-get install {}), or run without --tmux",
                               *missing == "flock" ? "util-linux" : *missing)});
    }
  }
  flow::StartOptions start;
  start.plan_option = plan_option;
  start.jobs = std::max(1U, std::thread::hardware_concurrency());
  // Under --json, start's own lines would break the stream: they go to stderr.
  render::StartPrinter start_printer(json ? stderr : stdout, true);
  flow::StartPlace place = flow::prepare_start(start, start_printer);
  git_repository* repo = place.repo.get();
  const std::string run_name = place.run_name;

  // What the run will use: the plan recorded for it once it exists.
  const auto stored = run::load(repo, run_name);
  std::optional<plan::Plan> recorded;
  if (stored) {
    auto parsed =
        plan::parse(stored->plan_text, fmt::format("{} (recorded for run {})", place.shown, run_name));
    if (!parsed.plan) {
      throw Error(fmt::format("the plan recorded for run '{}' is not valid", run_name));
    }
    recorded = std::move(*parsed.plan);
  }
  const plan::Plan& plan = recorded ? *recorded : place.committed.plan;
  const std::vector<std::string> next_agents =
      agents_to_launch(plan, stored ? &stored->state : nullptr, agent);
  if (stored && stored->plan_text != place.committed.text) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} run '{}' goes on with its recorded plan, not the one committed on '{}' since\n",
               err(cli::Color::yellow, "note:"), run_name, place.integration);
    fmt::print(stderr,
               "{} 'git wave amend' lets the run take the committed plan for the waves not yet started\n",
               err(cli::Color::yellow, "hint:"));
  }

  if (dry_run) {
    print_dry_run(plan, stored ? &stored->state : nullptr, run_name, next_agents, agent, tmux);
    return exit_code::ok;
  }
  require_launch_commands(plan, next_agents, stored.has_value());

  const cli::KillChildrenOnSignal interrupts;
  std::optional<flow::RemoteRun> remote =
      flow::remote_for_start(place, cli::remote_of(repo, run_name, remote_option));
  const auto lock = cli::lock_run(repo, run_name, "run", nullptr, remote ? &*remote : nullptr);
  const cli::Painter paint = cli::stdout_painter(color_flag, repo);
  std::vector<std::string> notify_commands = place.committed.plan.runner.notify;
  if (const auto locked = run::load(repo, run_name)) {
    if (auto parsed = plan::parse(locked->plan_text, "wave.toml"); parsed.plan) {
      notify_commands = parsed.plan->runner.notify;
    }
  }
  const fs::path notify_dir = run::logs_dir(repo, run_name);

  flow::RunOptions options;
  options.one_wave = one_wave;
  options.no_merge = no_merge;
  options.agent = agent;
  options.tmux = tmux;
  if (no_bisect || parser.given("--bisect")) {
    options.bisect_runs = no_bisect ? 0 : static_cast<int>(bisect_runs);
  }
  options.self = git::self_path();
  flow::RunHooks hooks;
  const bool live = !json && cli::live_terminal(1);
  render::RunView view(stdout, live, paint, git_repository_path(repo), run_name);
  start_printer.paint_with(cli::stdout_painter(color_flag, repo, json ? 2 : 1));
  hooks.start_next = [&]() {
    view.pause();
    const flow::StartReport started = flow::start_wave(place, start, start_printer);
    start_printer.finish(started);
    if (remote && flow::publish_start(repo, *remote)) {
      render::print_published(*remote);
    }
    view.resume();
    if (started.outcome == flow::StartOutcome::complete) {
      return false;
    }
    if (const auto now = run::load(repo, run_name); now && now->state.current()) {
      flow::Event e;
      e.type = "started";
      e.at = run::now_text();
      e.wave = now->state.current()->label;
      e.ok = started.outcome == flow::StartOutcome::ready;
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
  if (!json) {
    hint_squash(repo, run_name);
  }
  return exit_code::ok;
}

} // namespace wave::cmd
