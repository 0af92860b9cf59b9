// git wave logs: the output of an agent's latest attempt under git wave run.
#include "cmd/commands.hpp"

#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/runner.hpp"
#include "run/store.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <thread>

namespace wave::cmd {

namespace fs = std::filesystem;

int logs(const cli::Args& args) {
  cli::Parser parser("logs", "git wave logs [-f] [--run <name>] <agent>",
                     "Print the output of the latest attempt `git wave run` launched for an agent; with -f, "
                     "follow it until the attempt ends.");
  std::string agent;
  std::string run_option;
  bool follow = false;
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.flag("-f,--follow", follow, "keep printing what the attempt writes until it ends");
  parser.run(run_option);
  parser.parse(args);

  cli::WaveContext ctx = cli::load_wave(run_option, "");
  cli::require_agent(ctx.plan, agent);
  const fs::path log = flow::latest_log(ctx.stored.state, agent);
  if (log.empty()) {
    throw Error(fmt::format("'git wave run' has launched no attempt of '{}' in run '{}'", agent, ctx.run_name()),
                exit_code::fatal, {"'git wave run' launches agents; 'git wave status' shows the run"});
  }
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
