// git wave release AGENT: give a claimed agent back (see claim.cpp).
#include "cmd/commands.hpp"

#include "core/error.hpp"
#include "git/check.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "remote/remote_run.hpp"
#include "run/claims.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cmd {

namespace fs = std::filesystem;

int release(const cli::Args& args) {
  std::string agent;
  std::string run_option;
  std::string remote = "origin";
  bool force = false;
  cli::Parser parser("release", "git wave release [--run <name>] [--remote <name>] [--force] <agent>",
                     "Give back a claimed agent: delete its claim on the remote, only if it is still the one "
                     "this clone made (with --force, whoever made it).");
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.run(run_option, "the run (default: the only one on the remote)");
  parser.option("--remote", remote, "the remote the run is on (default: origin)", "<name>");
  parser.flag("--force", force, "release a claim another worker made (the lead taking a task back)");
  parser.parse(args);

  const git::Repo repo = git::open();
  const fs::path root = git::workdir(repo.get());
  const std::string run_name = cli::remote_run(root, remote, run_option);
  const std::string ref = run::claim_ref(run_name, agent);
  const run::ClaimRecordsLock records(repo.get(), run_name);
  cli::fetch_run(root, remote, run_name);
  run::reconcile_own_claims(repo.get(), run_name);
  const std::string mine = run::own_claim(repo.get(), run_name, agent).value_or("");
  const auto there = git::resolve_commit(repo.get(), ref);
  if (!there) {
    git::run_git(root, {"update-ref", "-d", ref});
    throw Error(fmt::format("agent '{}' of run '{}' is not claimed on '{}'", agent, run_name, remote),
                exit_code::not_satisfied,
                {"'git wave status' lists the claims (after 'git wave claim' fetched them)"});
  }
  const auto claims = run::read_claims(repo.get(), run_name);
  const auto& held = claims.at(agent);
  if (!force && mine != git::oid_str(*there)) {
    throw Error(
        fmt::format("the claim of '{}' is not this clone's: {} holds it since {}", agent, held.by, held.at),
        exit_code::not_satisfied, {"release it anyway with --force"});
  }
  const auto pushed = git::push(root, remote, {":" + ref}, {ref + ":" + git::oid_str(*there)});
  if (!pushed.ok) {
    throw Error(fmt::format("cannot release '{}' on '{}': {}", agent, remote, util::trim(pushed.output)),
                exit_code::not_satisfied, {"it changed meanwhile: look again with 'git wave claim'"});
  }
  git::run_git(root, {"update-ref", "-d", ref});
  std::error_code ec;
  fs::remove(run::own_claim_file(repo.get(), run_name, agent), ec);
  fmt::print("released agent '{}' of run '{}' on '{}'\n", agent, run_name, remote);
  return exit_code::ok;
}

} // namespace wave::cmd
