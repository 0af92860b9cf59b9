// git wave amend: the run in progress takes the plan committed since, for
// the waves not yet started (flow/amend).
#include "cmd/commands.hpp"

#include "cli/wave_context.hpp"
#include "core/error.hpp"
#include "flow/amend.hpp"
#include "flow/start_wave.hpp"
#include "git/check.hpp"
#include "remote/publish.hpp"
#include "render/start_output.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wave::cmd {

int amend(const cli::Args& args) {
  cli::Parser parser(
      "amend", "git wave amend [--dry-run] [--json] [--plan <path>] [--remote <name>]",
      "Let the run in progress take the plan committed on its integration branch since it started: the waves "
      "not yet started follow it, and the wave in progress takes its tasks, gates, launch commands and [run] "
      "settings at its next attempt or gate. Refused, naming each reason, when it changes what has started: "
      "the run's name, base or remote, the waves started so far, or what their agents own or wait for.");
  bool dry_run = false;
  bool json = false;
  std::string plan_option;
  std::string remote_option;
  parser.flag("--dry-run", dry_run, "check the plan and say what would change, recording nothing");
  parser.flag("--json", json, "print the result as JSON");
  parser.plan(plan_option);
  parser.remote(remote_option);
  parser.parse(args);

  flow::StartOptions start;
  start.plan_option = plan_option;
  render::StartPrinter printer(stdout, false); // the plan's diagnostics
  flow::StartPlace place = flow::prepare_start(start, printer);
  git_repository* repo = place.repo.get();
  std::optional<flow::RemoteRun> remote =
      flow::remote_for_start(place, cli::remote_of(repo, place.run_name, remote_option));
  const auto lock = cli::lock_run(repo, place.run_name, "amend", nullptr, remote ? &*remote : nullptr);
  flow::AmendInput in;
  in.repo = repo;
  in.run = place.run_name;
  in.plan = &place.committed.plan;
  in.text = place.committed.text;
  in.plan_commit = git::oid_str(place.committed.tip);
  in.plan_path = place.rel;
  in.dry_run = dry_run;
  const flow::Amended out = flow::amend(in);
  if (!dry_run && !out.same) {
    cli::publish_after(repo, remote);
  }
  if (json) {
    nlohmann::ordered_json j = {
        {"run", place.run_name}, {"from", out.from},   {"to", out.same ? out.from : in.plan_commit},
        {"same", out.same},      {"dry_run", dry_run}, {"changes", out.changes}};
    fmt::print("{}\n", j.dump(2));
    return exit_code::ok;
  }
  if (out.same) {
    fmt::print("run '{}' already has the plan committed on '{}': nothing to amend\n", place.run_name,
               place.integration);
    return exit_code::ok;
  }
  fmt::print("{} run '{}' to the plan of {} ({}):\n", dry_run ? "would amend" : "amended", place.run_name,
             git::short_oid(place.committed.tip), place.shown);
  for (const auto& c : out.changes) {
    fmt::print("  {}\n", c);
  }
  if (!dry_run) {
    fmt::print("'git wave run' (or start, gate) goes on with it\n");
  }
  return exit_code::ok;
}

} // namespace wave::cmd
