// git wave claim: take the next agent of the wave nobody holds, by creating
// its claim ref on the remote (run/claims), so that workers on many
// machines drain a wave without a lead handing out tasks.
#include "cmd/commands.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "git/identity.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "remote/remote_run.hpp"
#include "run/brief.hpp"
#include "run/claims.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <unistd.h>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

// The empty tree, written here (claim commits hold nothing).
std::string empty_tree(const fs::path& root) {
  const auto r = git::run_git(root, {"hash-object", "-t", "tree", "-w", "/dev/null"});
  if (!r.ok()) {
    throw Error(fmt::format("cannot write the empty tree: {}", util::trim(r.output)));
  }
  return std::string(util::trim(r.output));
}

std::string host_name() {
  char buf[256] = {};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("?");
}

} // namespace

int claim(const cli::Args& args) {
  std::string run_option;
  std::string remote = "origin";
  bool name_only = false;
  cli::Parser parser("claim", "git wave claim [--run <name>] [--remote <name>] [--name-only]",
                     "Take the next agent of the run's current wave that nobody holds, by creating its claim "
                     "on the remote (a create that fails when another worker got there first), and print its "
                     "name and brief. 'git wave join' then sets up its worktree; 'git wave release' gives "
                     "it back.");
  parser.run(run_option, "the run (default: the only one on the remote)");
  parser.option("--remote", remote, "the remote the run is on (default: origin)", "<name>");
  parser.flag("--name-only", name_only, "print only the agent's name (for scripts)");
  parser.parse(args);

  const git::Repo repo = git::open();
  const fs::path root = git::workdir(repo.get());
  const std::string run_name = cli::remote_run(root, remote, run_option);
  const run::ClaimRecordsLock records(repo.get(), run_name);
  cli::fetch_run(root, remote, run_name);
  run::reconcile_own_claims(repo.get(), run_name);
  const auto stored = run::load(repo.get(), run_name);
  const run::WaveRun* wave = stored ? stored->state.current() : nullptr;
  if (wave == nullptr || wave->status == run::WaveStatus::merged) {
    throw Error(fmt::format("run '{}' has no wave in progress on '{}'", run_name, remote),
                exit_code::not_satisfied, {"the lead starts the next wave (git wave start), then pushes it"});
  }
  const auto signature = git::require_identity(root, git::Role::committer);
  const std::string by = fmt::format("{} <{}> on {}", signature->name, signature->email, host_name());
  std::string tree;
  auto claims = run::read_claims(repo.get(), run_name);
  for (const auto& agent : wave->agents) {
    if (claims.count(agent.name) != 0) {
      continue;
    }
    if (tree.empty()) {
      tree = empty_tree(root);
    }
    const std::string ref = run::claim_ref(run_name, agent.name);
    const auto made = git::run_git(
        root, {"commit-tree", tree, "-m",
               run::claim_message(run_name, agent.name, by, run::now_text(), run::claim_token())});
    if (!made.ok()) {
      throw Error(fmt::format("cannot write a claim commit: {}", util::trim(made.output)));
    }
    const std::string commit(util::trim(made.output));
    // Recorded before the push: killed at any point after it, this clone
    // still knows the claim for its own (the commit is unlike any other
    // clone's); a record whose push never landed is dropped by the next
    // claim or release (run::reconcile_own_claims).
    run::record_own_claim(repo.get(), run_name, agent.name, commit);
    // The lease "<ref>:" (nothing expected) makes the push a create: of
    // workers racing for one agent, exactly one gets it.
    const auto pushed = git::push(root, remote, {commit + ":" + ref}, {ref + ":"});
    if (!pushed.ok) {
      continue; // another worker was first: the next agent
    }
    git::run_git(root, {"update-ref", ref, commit});
    fmt::print(stderr, "claimed agent '{}' of run '{}' (wave {}) on '{}'\n", agent.name, run_name,
               wave->label, remote);
    fmt::print("{}\n", agent.name);
    std::fflush(stdout);
    if (name_only) {
      return exit_code::ok;
    }
    fmt::print("\n");
    std::fflush(stdout);
    fmt::print("{}", run::run_brief(repo.get(), run_name, agent.name));
    return exit_code::ok;
  }
  cli::fetch_run(root, remote, run_name);
  run::reconcile_own_claims(repo.get(), run_name);
  claims = run::read_claims(repo.get(), run_name);
  std::vector<std::string> held;
  for (const auto& [name, c] : claims) {
    held.push_back(fmt::format("{} by {}", name, c.by.empty() ? std::string("?") : c.by));
  }
  throw Error(fmt::format("every agent of wave {} of run '{}' is claimed", wave->label, run_name),
              exit_code::not_satisfied, {fmt::format("held: {}", util::join(held, "; "))});
}

} // namespace wave::cmd
