#include "cmd/commands.hpp"

#include "cli/term.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/abort.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

int abort(const cli::Args& args) {
  cli::Parser parser("abort", "git wave abort [--wave <label>] [--json] [--run <name>]",
                     "Throw a wave away: its worktrees are removed and its branches deleted, every agent "
                     "commit (and uncommitted work) kept under an archive ref, so the wave can start again "
                     "clean.");
  std::string wave;
  std::string run;
  bool json = false;
  parser.option("--wave", wave, "abort this wave (its label) rather than the current one", "<label>");
  parser.flag("--json", json, "print the result as JSON");
  parser.run(run);
  parser.parse(args);

  cli::WaveContext ctx = cli::lock_wave(run, wave, "abort");
  const run::WaveRun& w = ctx.wave_run();
  flow::AbortOutcome out;
  if (ctx.finished && ctx.recovery.aborted) {
    // This very abort was killed half way; lock_wave has just finished it.
    out = *ctx.recovery.aborted;
  } else {
    out = flow::abort_wave(ctx.repo.get(), ctx.run_name(), run::WaveId::of(ctx.stored.state, w));
  }
  cli::publish_after(ctx.repo.get(), ctx.remote);
  const int code = out.kept.empty() ? exit_code::ok : exit_code::fatal;

  if (json) {
    nlohmann::ordered_json kept = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < out.archive.kept.size(); ++i) {
      kept.push_back({{"agent", out.archive.kept[i].agent},
                      {"commit", git::oid_str(out.archive.kept[i].commit)},
                      {"rev", fmt::format("{}^{}", out.archive.ref, i + 1)}});
    }
    nlohmann::ordered_json j = {
        {"run", ctx.run_name()}, {"wave", w.label},  {"archive", out.archive.ref}, {"commits", kept},
        {"saved", out.saved},    {"done", out.done}, {"kept", out.kept},           {"resumed", out.resumed}};
    fmt::print("{}\n", j.dump(2));
    return code;
  }
  fmt::print("aborted wave {} of run '{}'{}\n", w.label, ctx.run_name(),
             out.resumed ? " (finishing an interrupted abort)" : "");
  if (out.archive.ref.empty()) {
    fmt::print("no agent had commits to keep\n");
  } else {
    fmt::print("agents' work kept under '{}':\n", out.archive.ref);
    for (std::size_t i = 0; i < out.archive.kept.size(); ++i) {
      const auto& k = out.archive.kept[i];
      fmt::print("  {:<16} {}  ({}^{}){}\n", k.agent, git::short_oid(k.commit), out.archive.ref, i + 1,
                 std::find(out.saved.begin(), out.saved.end(), k.agent) != out.saved.end()
                     ? " with its uncommitted work"
                     : "");
    }
  }
  for (const auto& line : out.done) {
    fmt::print("{}\n", line);
  }
  for (const auto& line : out.kept) {
    fmt::print("kept {}\n", line);
  }
  if (code != exit_code::ok) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} the wave is aborted, but not all of it could be removed (see 'kept' above)\n",
               err(cli::Color::red, "error:"));
    fmt::print(stderr,
               "{} remove what is left by hand (git worktree remove --force <path>; git branch -D "
               "<branch>) before starting the wave again\n",
               err(cli::Color::yellow, "hint:"));
    return code;
  }
  fmt::print("start the wave again with 'git wave start'\n");
  return exit_code::ok;
}

} // namespace wave::cmd
