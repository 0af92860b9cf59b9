#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "gate/gate.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

int commit(const cli::Args& args) {
  cli::Parser parser("commit",
                     "git wave commit [<agent>...] [--wave <label>] [--json] [--run <name>] [--color=<when>]",
                     "Lead-commits mode: commit each agent's uncommitted work (modified, deleted and new "
                     "files not ignored) on its branch as one commit with its task as message, after the "
                     "ownership check. An agent with a file it does not own is refused and keeps its work.");
  std::vector<std::string> agents;
  std::string wave;
  std::string run;
  bool json = false;
  parser.positionals("agent", agents, "the agents to commit for (default: every agent of the wave)");
  parser.option("--wave", wave, "the wave (its label) rather than the current one", "<label>");
  parser.flag("--json", json, "print the result as JSON");
  parser.run(run);
  std::optional<cli::ColorWhen> color_flag;
  parser.color(color_flag);
  parser.parse(args);

  cli::WaveContext ctx = cli::lock_wave(run, wave, "commit");
  const run::WaveRun& w = ctx.wave_run();
  if (w.status == run::WaveStatus::merged) {
    throw Error(fmt::format("wave {} of run '{}' is already merged", w.label, ctx.run_name()));
  }
  const plan::Ownership ownership(ctx.plan);
  const gate::GateInput in = gate::gate_input(ctx.repo.get(), ctx.plan, ownership, ctx.stored.state, w);
  std::vector<std::size_t> which;
  if (agents.empty()) {
    for (std::size_t i = 0; i < in.agents.size(); ++i) {
      which.push_back(i);
    }
  } else {
    std::vector<std::string> names;
    for (const auto& a : in.agents) {
      names.push_back(a.name);
    }
    for (const auto& name : agents) {
      const auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        std::vector<std::string> hints;
        if (auto best = util::nearest(name, names)) {
          hints.push_back(fmt::format("did you mean '{}'?", *best));
        }
        hints.push_back(fmt::format("agents of wave {}: {}", w.label, util::join(names, ", ")));
        throw UsageError(fmt::format("'{}' is not an agent of wave {}", name, w.label), std::move(hints));
      }
      const auto index = static_cast<std::size_t>(it - names.begin());
      if (std::find(which.begin(), which.end(), index) == which.end()) {
        which.push_back(index); // an agent named twice is committed once
      }
    }
  }
  const auto results = gate::commit_agents(in, which);
  cli::publish_after(ctx.repo.get(), ctx.remote);
  bool ok = true;
  for (const auto& r : results) {
    ok = ok && r.ok();
  }
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : results) {
      nlohmann::ordered_json refused = nlohmann::ordered_json::array();
      for (const auto& f : r.refused) {
        refused.push_back({{"path", f.path}, {"owners", f.owners}, {"protected", f.is_protected}});
      }
      out.push_back({{"agent", r.agent},
                     {"status", !r.error.empty()     ? "error"
                                : !r.refused.empty() ? "refused"
                                : r.commit           ? "committed"
                                                     : "clean"},
                     {"commit", r.commit ? git::oid_str(*r.commit) : ""},
                     {"files", r.files},
                     {"refused", refused},
                     {"error", r.error}});
    }
    fmt::print("{}\n", out.dump(2));
    return ok ? exit_code::ok : exit_code::not_satisfied;
  }
  const cli::Painter paint = cli::stdout_painter(color_flag, ctx.repo.get());
  for (const auto& r : results) {
    if (!r.error.empty()) {
      fmt::print("{}{}: {}\n", paint(cli::Color::red, fmt::format("{:<10}", "error")), r.agent, r.error);
    } else if (!r.refused.empty()) {
      fmt::print(
          "{}{}: {} of {} changed files are not its to touch; nothing committed, its work is left as it "
          "was\n",
          paint(cli::Color::red, fmt::format("{:<10}", "refused")), r.agent, r.refused.size(), r.files);
      for (const auto& f : r.refused) {
        fmt::print("            {}\n", f.describe());
      }
    } else if (r.commit) {
      fmt::print("{}{}: {} file{} as {}\n", paint(cli::Color::green, fmt::format("{:<10}", "committed")),
                 r.agent, r.files, r.files == 1 ? "" : "s", git::short_oid(*r.commit));
    } else {
      fmt::print("{:<10}{}: nothing to commit\n", "clean", r.agent);
    }
  }
  return ok ? exit_code::ok : exit_code::not_satisfied;
}

} // namespace wave::cmd
