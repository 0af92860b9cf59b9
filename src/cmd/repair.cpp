#include "cmd/commands.hpp"

#include "cli/term.hpp"
#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/repair.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "run/branch.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

namespace {

// The wave attempt holding `agent` (the last one not aborted), or a usage
// error naming the agents there are.
run::WaveId wave_of(const cli::WaveContext& ctx, const std::string& agent) {
  if (const auto found = ctx.stored.state.find_agent(agent)) {
    return run::WaveId::of(ctx.stored.state, *found->first);
  }
  std::vector<std::string> names;
  for (const auto& a : ctx.plan.agents) {
    names.push_back(a.name);
  }
  if (ctx.plan.find(agent)) {
    throw Error(fmt::format("agent '{}' of run '{}' has not started: it has no branch to repair", agent,
                            ctx.run_name()),
                exit_code::fatal, {"'git wave status' shows the waves started"});
  }
  std::vector<std::string> hints;
  if (auto best = util::nearest(agent, names)) {
    hints.push_back(fmt::format("did you mean '{}'?", *best));
  }
  hints.push_back(fmt::format("agents of run '{}': {}", ctx.run_name(), util::join(names, ", ")));
  throw UsageError(fmt::format("'{}' is not an agent of run '{}'", agent, ctx.run_name()), std::move(hints));
}

} // namespace

int repair(const cli::Args& args) {
  cli::Parser parser("repair", "git wave repair <agent> [-m <message>] [--json] [--run <name>]",
                     "Rewrite an agent's branch without its changes to files it does not own: each commit "
                     "is replayed with those files as they are at the wave's base, commits that become "
                     "empty are dropped, messages and authors are kept. The original commits stay under "
                     "an archive ref; the agent's worktree follows when it has no uncommitted changes to "
                     "those files.");
  std::string agent;
  std::string run;
  std::string message;
  bool json = false;
  parser.positional("agent", agent, "the agent whose branch to repair", "<agent>", true);
  parser.option("-m,--message", message,
                "the message of the rewritten tip commit, when the one it had names what the repair dropped",
                "<message>");
  parser.flag("--json", json, "print the result as JSON");
  parser.run(run);
  parser.parse(args);

  cli::WaveContext ctx = cli::lock_wave(run, "", "repair");
  flow::RepairOutcome out;
  if (ctx.finished && ctx.recovery.repaired && ctx.recovery.repaired->agent == agent) {
    out = *ctx.recovery.repaired; // this very repair was killed half way; lock_wave finished it
  } else {
    const run::WaveId id = wave_of(ctx, agent);
    const plan::Ownership ownership(ctx.plan);
    out = flow::repair_agent(ctx.repo.get(), ctx.run_name(), id, ctx.plan, ownership, agent, message);
  }
  cli::publish_after(ctx.repo.get(), ctx.remote);
  const std::string branch = run::agent_branch(ctx.run_name(), agent);
  const auto now = git::resolve_commit(ctx.repo.get(), "refs/heads/" + branch);
  const bool done = now && git_oid_equal(&*now, &out.to) != 0;

  if (json) {
    nlohmann::ordered_json j = {{"run", ctx.run_name()},
                                {"agent", agent},
                                {"branch", branch},
                                {"from", git::oid_str(out.from)},
                                {"to", git::oid_str(out.to)},
                                {"paths", out.paths},
                                {"commits", out.commits},
                                {"dropped", out.dropped},
                                {"archive", out.archive},
                                {"original", out.archive.empty() ? "" : out.archive + "^1"},
                                {"worktree", out.worktree_synced},
                                {"done", done},
                                {"resumed", out.resumed},
                                {"note", out.note}};
    fmt::print("{}\n", j.dump(2));
    return done ? exit_code::ok : exit_code::fatal;
  }
  if (!done) {
    throw Error(out.note.empty() ? fmt::format("the repair of '{}' did not finish", agent) : out.note,
                exit_code::fatal, {fmt::format("run 'git wave repair {}' again", agent)});
  }
  if (git_oid_equal(&out.from, &out.to) != 0 && out.archive.empty()) {
    fmt::print("'{}': no commit on '{}' touches a file it does not own; nothing to repair\n", agent, branch);
    if (!message.empty()) {
      const cli::Painter err = cli::painter_for_stderr();
      fmt::print(stderr, "{} --message was not used: no commit was rewritten\n",
                 err(cli::Color::yellow, "note:"));
    }
    return exit_code::ok;
  }
  if (!out.paths.empty()) {
    fmt::print("repaired '{}'{}: '{}' no longer changes {}\n", agent,
               out.resumed ? " (finishing an interrupted repair)" : "", branch, util::join(out.paths, ", "));
    fmt::print("  {}..{}: {} commit{} rewritten, {} dropped as empty\n", git::short_oid(out.from),
               git::short_oid(out.to), out.commits, out.commits == 1 ? "" : "s", out.dropped);
  } else {
    fmt::print("repaired '{}' (finishing an interrupted repair): '{}' is at {}\n", agent, branch,
               git::short_oid(out.to));
  }
  if (!out.archive.empty()) {
    fmt::print("  the original commits: '{}^1' (git log {}^1)\n", out.archive, out.archive);
  }
  if (out.worktree_synced) {
    fmt::print("  its worktree follows: those files are as at the wave's base, in the files and the index\n");
  }
  if (!out.note.empty()) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "note:"), out.note);
  }
  fmt::print("gate the wave again with 'git wave gate'\n");
  return exit_code::ok;
}

} // namespace wave::cmd
