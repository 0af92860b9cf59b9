#include "cmd/decide.hpp"

#include "cli/term.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "runner/decide.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

namespace {

struct Words {
  std::string_view name;
  std::string_view summary;
};

Words words(run::ActionKind kind) {
  switch (kind) {
  case run::ActionKind::accept:
    return {"accept",
            "Accept an agent's branch as it is: 'git wave run' takes it as done without launching it again "
            "(its branch is audited now; the wave's gate still tests it). For an agent a person finished by "
            "hand, or whose task needed no change. The acceptance holds until the agent's next attempt."};
  case run::ActionKind::skip:
    return {"skip",
            "Leave an agent out of the run: it is not launched, gated or merged, and the agents that depend "
            "on it are left out with it. Its branch and worktree are kept. For an agent of the wave in "
            "progress, the wave is then gated without it."};
  case run::ActionKind::relaunch:
    return {"relaunch",
            "Have the next 'git wave run' launch an agent again, with a full set of attempts, whatever its "
            "last attempt, an acceptance or its branch say. The brief of the new attempt is a "
            "continuation: it says what is already there, and the reason given."};
  }
  return {};
}

} // namespace

int decide_command(const cli::Args& args, run::ActionKind kind) {
  const Words w = words(kind);
  cli::Parser parser(w.name, fmt::format("git wave {} <agent> [-m <reason>] [--json] [--run <name>]", w.name),
                     w.summary);
  std::string agent;
  std::string reason;
  std::string run;
  bool json = false;
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.option("-m,--message", reason,
                "why: recorded with the decision, shown by status and report, and "
                "given to a relaunched agent in its brief",
                "<reason>");
  parser.flag("--json", json, "print the decision as JSON");
  parser.run(run);
  parser.parse(args);
  if (reason.find_first_of("\r\n") != std::string::npos) {
    throw UsageError("the reason must be one line",
                     {"give a short reason with -m; details belong in the task"});
  }

  cli::WaveContext ctx = cli::lock_wave(run, "", w.name);
  cli::require_agent(ctx.plan, agent);
  flow::DecideInput in;
  in.repo = ctx.repo.get();
  in.plan = &ctx.plan;
  in.run = ctx.run_name();
  in.kind = kind;
  in.agent = agent;
  in.reason = reason;
  const flow::Decided out = flow::decide(in);
  cli::publish_after(ctx.repo.get(), ctx.remote);

  const run::Action& a = out.action;
  if (json) {
    nlohmann::ordered_json j = {{"run", ctx.run_name()},
                                {"agent", agent},
                                {"kind", run::to_string(kind)},
                                {"wave", a.wave},
                                {"tip", a.tip},
                                {"after_attempt", a.after_attempt},
                                {"reason", a.reason},
                                {"by", a.by},
                                {"at", a.at},
                                {"already", out.already},
                                {"also_skipped", out.skipped},
                                {"notes", out.notes}};
    fmt::print("{}\n", j.dump(2));
    return exit_code::ok;
  }
  const std::string where = a.wave.empty() ? std::string() : fmt::format(" (wave {})", a.wave);
  const std::string at = a.tip.empty() ? std::string() : fmt::format(" at {}", a.tip.substr(0, 7));
  switch (kind) {
  case run::ActionKind::accept:
    fmt::print("{} '{}'{}{}: 'git wave run' takes it as done; the wave's gate still tests it\n",
               out.already ? "already accepted" : "accepted", util::escape_control(agent), at, where);
    break;
  case run::ActionKind::skip:
    fmt::print("{} '{}'{}: it is left out of the run\n", out.already ? "already skipped" : "skipped",
               util::escape_control(agent), where);
    if (!a.branch.empty()) {
      fmt::print("  its branch '{}' and worktree '{}' are kept\n", a.branch, a.worktree);
    }
    for (const auto& s : out.skipped) {
      fmt::print("  also left out: {}\n", s);
    }
    break;
  case run::ActionKind::relaunch:
    fmt::print("{} '{}'{}: the next 'git wave run' launches it (attempt {})\n",
               out.already ? "already to be relaunched:" : "relaunch of", util::escape_control(agent), where,
               a.after_attempt + 1);
    break;
  }
  const cli::Painter err = cli::painter_for_stderr();
  for (const auto& note : out.notes) {
    fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "note:"), note);
  }
  return exit_code::ok;
}

} // namespace wave::cmd
