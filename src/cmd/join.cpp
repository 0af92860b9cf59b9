// git wave join RUN AGENT: work as an agent of a run from another machine.
// Fetches the run's state and the agent's branch from the remote, sets up a
// worktree of the branch (tracking the remote's) with the pre-commit hook
// enforcing the plan the run recorded, and prints the brief. The agent
// commits there and pushes with plain git.
#include "cmd/commands.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/remote.hpp"
#include "git/repo.hpp"
#include "git/wave_hooks.hpp"
#include "git/worktree.hpp"
#include "plan/parse.hpp"
#include "remote/remote_run.hpp"
#include "run/branch.hpp"
#include "run/brief.hpp"
#include "run/store.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cmd {

namespace fs = std::filesystem;

namespace {

// The worktree `branch` is checked out in, if any.
std::optional<fs::path> checked_out_in(git_repository* repo, const std::string& branch) {
  for (const auto& w : git::linked_worktrees(repo)) {
    if (w.head == "refs/heads/" + branch && w.present) {
      return w.path;
    }
  }
  return std::nullopt;
}

// Brings the local agent branch to the remote's tip when that only moves it
// forward; says so when the two went different ways.
void follow_remote(const fs::path& root, const std::string& branch, const std::string& tracking,
                   const std::optional<fs::path>& worktree, const cli::Painter& err) {
  const auto ff = git::run_git(root, {"merge-base", "--is-ancestor", branch, tracking});
  if (!ff.ok()) {
    const auto ahead = git::run_git(root, {"merge-base", "--is-ancestor", tracking, branch});
    if (!ahead.ok()) {
      fmt::print(stderr, "{} '{}' here and '{}' went different ways: left as it is\n",
                 err(cli::Color::yellow, "warning:"), branch, tracking);
    }
    return;
  }
  if (worktree) {
    const auto r = git::run_git(*worktree, {"merge", "--ff-only", "--quiet", tracking});
    if (!r.ok()) {
      fmt::print(stderr, "{} cannot bring '{}' up to '{}' in '{}': {}\n", err(cli::Color::yellow, "warning:"),
                 branch, tracking, worktree->string(), util::trim(r.output));
    }
    return;
  }
  const auto r = git::run_git(root, {"branch", "--force", branch, tracking});
  if (!r.ok()) {
    throw Error(fmt::format("cannot move '{}' to '{}': {}", branch, tracking, util::trim(r.output)));
  }
}

} // namespace

int join(const cli::Args& args) {
  std::string run_name;
  std::string agent;
  std::string remote = "origin";
  std::string worktree_option;
  cli::Parser parser("join", "git wave join [--remote <name>] [--worktree <path>] <run> <agent>",
                     "Work as an agent of a run from another machine: fetch the run's state and the agent's "
                     "branch, set up a worktree of it with the hook that enforces the plan the run recorded, "
                     "and print the brief. Commit there, then push with plain git.");
  parser.positional("run", run_name, "the run", "<run>", true);
  parser.positional("agent", agent, "the agent", "<agent>", true);
  parser.option("--remote", remote, "the remote the run is on (default: origin)", "<name>");
  parser.option("--worktree", worktree_option,
                "where the worktree goes (default: as the plan's worktrees says)", "<path>");
  parser.parse(args);

  const git::Repo repo = git::open();
  if (git_repository_is_bare(repo.get()) == 1) {
    throw Error("'git wave join' needs a working tree: this repository is bare", exit_code::fatal,
                {"clone it (git clone <url>), then join from the clone"});
  }
  const fs::path root = git::workdir(repo.get());
  git::require_remote(root, remote);
  const std::string state_ref = run::state_ref(run_name);
  const std::string branch = run::agent_branch(run_name, agent);
  const std::string tracking = fmt::format("refs/remotes/{}/{}", remote, branch);
  const auto listed = git::run_git(root, {"ls-remote", remote, state_ref, "refs/heads/" + branch});
  if (!listed.ok()) {
    throw Error(fmt::format("cannot reach '{}': {}", remote, util::trim(listed.output)));
  }
  if (listed.output.find(state_ref) == std::string::npos) {
    throw Error(fmt::format("'{}' has no run '{}'", remote, run_name), exit_code::fatal,
                {"the lead pushes a run with: git push --atomic <remote> 'refs/wave/*:refs/wave/*' "
                 "'refs/heads/wave/*:refs/heads/wave/*'"});
  }
  if (listed.output.find("refs/heads/" + branch) == std::string::npos) {
    throw Error(fmt::format("'{}' has no branch '{}': agent '{}' is not started in run '{}' there", remote,
                            branch, agent, run_name),
                exit_code::fatal, {"'git wave status' on the lead's machine shows the agents of the wave"});
  }
  cli::fetch_run(root, remote, run_name, {fmt::format("+refs/heads/{}:{}", branch, tracking)});

  const auto stored = run::load(repo.get(), run_name);
  const run::WaveRun* wave = stored ? stored->state.current() : nullptr;
  const run::AgentRun* record = wave != nullptr ? wave->find(agent) : nullptr;
  if (record == nullptr || wave->status == run::WaveStatus::merged) {
    throw Error(fmt::format("agent '{}' is not in the wave run '{}' is at", agent, run_name),
                exit_code::fatal, {"'git wave status --run " + run_name + "' lists the agents of the wave"});
  }
  auto parsed = plan::parse(stored->plan_text, fmt::format("plan of run '{}'", run_name));
  if (!parsed.plan) {
    throw Error(fmt::format("the plan recorded for run '{}' is not valid", run_name));
  }

  const cli::Painter err = cli::painter_for_stderr();
  if (!git::resolve_commit(repo.get(), "refs/heads/" + branch)) {
    const auto r = git::run_git(root, {"branch", "--quiet", "--track", branch, tracking});
    if (!r.ok()) {
      throw Error(fmt::format("cannot create branch '{}': {}", branch, util::trim(r.output)));
    }
  } else {
    follow_remote(root, branch, tracking, checked_out_in(repo.get(), branch), err);
    git::run_git(root,
                 {"branch", "--quiet", "--set-upstream-to=" + fmt::format("{}/{}", remote, branch), branch});
  }

  fs::path worktree;
  if (const auto there = checked_out_in(repo.get(), branch)) {
    worktree = *there;
  } else {
    worktree = worktree_option.empty() ? fs::path(plan::worktree_path(*parsed.plan, root.string(), agent))
                                       : fs::absolute(worktree_option).lexically_normal();
    if (const auto problem = plan::worktree_location_problem(worktree.string(), root.string(),
                                                             git::common_dir(repo.get()).string())) {
      throw Error(*problem, exit_code::fatal, {"choose another place with --worktree <path>"});
    }
    if (const auto half = git::half_made_worktree(repo.get(), worktree)) {
      git::discard_half_made_worktree(worktree, *half); // a join killed while adding it
    }
    if (!git::path_is_free(worktree)) {
      throw Error(fmt::format("'{}' exists and is not empty", worktree.string()), exit_code::fatal,
                  {"choose another place with --worktree <path>"});
    }
    git::run_git(root, {"worktree", "prune"});
    const auto r = git::run_git(root, {"worktree", "add", "--quiet", worktree.string(), branch});
    if (!r.ok()) {
      throw Error(fmt::format("cannot add the worktree '{}': {}", worktree.string(), util::trim(r.output)));
    }
  }

  try {
    const auto install = git::install_pre_commit(repo.get());
    fmt::print(stderr, "{}\n", git::describe(install));
  } catch (const Error& e) {
    fmt::print(stderr, "{} {}\n", err(cli::Color::yellow, "warning:"), e.what());
  }
  const auto wiring = git::pre_commit_wiring(worktree);
  if (!wiring.runs) {
    fmt::print(stderr, "{} no hook will check commits in '{}': {}\n", err(cli::Color::yellow, "warning:"),
               worktree.string(), wiring.detail);
  }
  fmt::print(stderr,
             "joined run '{}' as agent '{}' in '{}': commit there, then 'git push' sends '{}' to '{}'\n",
             run_name, agent, worktree.string(), branch, remote);
  std::fflush(stderr);
  fmt::print("{}", run::run_brief(repo.get(), run_name, agent, worktree));
  return exit_code::ok;
}

} // namespace wave::cmd
