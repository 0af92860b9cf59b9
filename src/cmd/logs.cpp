// git wave logs: the output of an agent's attempts under git wave run (the
// latest, or one by number), and the list of them.
#include "cmd/commands.hpp"

#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "run/store.hpp"
#include "runner/runner.hpp"
#include "util/log_cap.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <thread>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

// Every attempt of `agent` in the run, in order (a wave started again
// after an abort numbers its attempts anew: the later wave's come last).
std::vector<const run::Attempt*> attempts_of(const run::State& state, const std::string& agent) {
  std::vector<const run::Attempt*> out;
  for (const auto& w : state.waves) {
    for (const auto& a : w.attempts) {
      if (a.agent == agent) {
        out.push_back(&a);
      }
    }
  }
  return out;
}

std::string size_text(const fs::path& log) {
  std::error_code ec;
  const auto size = fs::file_size(log, ec);
  return ec ? std::string("no log") : util::format_size(size);
}

} // namespace

int logs(const cli::Args& args) {
  cli::Parser parser(
      "logs", "git wave logs [-f] [--attempt <n> | --list] [--run <name>] <agent>",
      "Print the output of an agent's latest attempt under `git wave run` (or of attempt <n>); "
      "with -f, follow it until the attempt ends; with --list, list its attempts. Logs are capped "
      "on disk at the plan's [run] log_cap: the first and the last part are kept, with a line "
      "saying how much was dropped between them.");
  std::string agent;
  std::string run_option;
  bool follow = false;
  bool list = false;
  unsigned attempt = 0;
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.flag("-f,--follow", follow, "keep printing what the attempt writes until it ends");
  parser.option("--attempt", attempt, "print attempt <n> (1, 2, ...) rather than the latest", "<n>", 1,
                1000000);
  parser.flag("--list", list, "list the agent's attempts: number, how each ended, its times, its log's size");
  parser.run(run_option);
  parser.parse(args);
  if (list && (attempt != 0 || follow)) {
    throw UsageError("--list cannot be combined with --attempt or --follow", {"see 'git wave logs -h'"});
  }

  cli::WaveContext ctx = cli::load_wave(run_option, "");
  cli::require_agent(ctx.plan, agent);
  const auto attempts = attempts_of(ctx.stored.state, agent);
  if (attempts.empty()) {
    throw Error(
        fmt::format("'git wave run' has launched no attempt of '{}' in run '{}'", agent, ctx.run_name()),
        exit_code::fatal, {"'git wave run' launches agents; 'git wave status' shows the run"});
  }
  if (list) {
    for (const auto* a : attempts) {
      fmt::print("attempt {}  {:<11} {} .. {}  {}  {}\n", a->number, run::to_string(a->end), a->launched_at,
                 a->exited_at.empty() ? std::string("(running)") : a->exited_at, size_text(a->log), a->log);
    }
    return exit_code::ok;
  }
  const run::Attempt* chosen = attempts.back();
  if (attempt != 0) {
    chosen = nullptr;
    for (const auto* a : attempts) {
      if (a->number == static_cast<int>(attempt)) {
        chosen = a; // the latest of that number
      }
    }
    if (chosen == nullptr) {
      throw Error(fmt::format("agent '{}' has no attempt {} in run '{}' (its attempts: 1 to {})", agent,
                              attempt, ctx.run_name(), attempts.back()->number),
                  exit_code::fatal, {fmt::format("'git wave logs --list {}' lists them", agent)});
    }
  }
  const fs::path log = chosen->log;
  std::FILE* in = std::fopen(log.c_str(), "rb");
  if (in == nullptr) {
    throw Error(fmt::format("cannot open '{}'", log.string()));
  }
  char buf[65536];
  while (true) {
    const auto n = std::fread(buf, 1, sizeof buf, in);
    if (n > 0) {
      std::fwrite(buf, 1, n, stdout);
      std::fflush(stdout);
      continue;
    }
    if (!follow) {
      break;
    }
    const auto stored = run::load(ctx.repo.get(), ctx.run_name());
    bool running = false;
    for (const auto& w : stored->state.waves) {
      for (const auto& a : w.attempts) {
        if (a.log == log.string()) {
          running = a.end == run::AttemptEnd::running;
        }
      }
    }
    if (!running) {
      break;
    }
    std::clearerr(in);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::fclose(in);
  return exit_code::ok;
}

} // namespace wave::cmd
