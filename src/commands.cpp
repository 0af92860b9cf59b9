// The command table, beside main() as libgit2's src/cli/main.c keeps its
// cli_cmds[]: each subcommand's name, summary and entry function, and what it
// needs before it runs (git's RUN_SETUP and NEED_WORK_TREE), which
// cli::dispatch prepares or checks. The table feeds dispatch, `git wave -h`,
// the completions (`git wave --list-cmds`) and the man-page test.
#include "commands.hpp"

#include "cmd/commands.hpp"

#include <array>

namespace wave {

namespace {

using cli::Command;
using cli::Need;

// Commands that change a run: they take the run lock and finish what a
// killed command left (cli::lock_run, cli::lock_wave), and work on a run
// kept on a remote.
constexpr Need changes_run = Need::repository | Need::run_lock | Need::remote;

constexpr std::array table{
    Command{"init", "Write a starter plan (wave.toml) and install the pre-commit hook", &cmd::init,
            Need::repository},
    // Outside a repository with --plan: plan::parse alone.
    Command{"plan", "Validate a plan and show its waves, critical path and overlaps", &cmd::plan, Need::none},
    Command{"owner", "Show which agent owns each path", &cmd::owner, Need::repository},
    Command{"start", "Start the next wave: a branch and a worktree per agent", &cmd::start, changes_run},
    Command{"status", "Show the run: waves, agents, commits, changes, violations, gate, hook", &cmd::status,
            Need::repository | Need::remote},
    Command{"prompt", "Print an agent's brief: task, files it owns, files it must not touch", &cmd::prompt,
            Need::repository},
    Command{"commit", "Commit agents' uncommitted work on their branches after an ownership check",
            &cmd::commit, changes_run},
    Command{"gate", "Check a wave: ownership audit, agents' gates, the plan's gate on the merged candidate",
            &cmd::gate, changes_run},
    Command{"audit",
            "Audit agent branches against the files their agents own, as a server's hook does: for CI",
            &cmd::audit, Need::repository | Need::remote},
    Command{"merge", "Land a gated wave on the integration branch, one merge per agent in plan order",
            &cmd::merge, changes_run},
    Command{"abort", "Throw a wave away, keeping every agent commit under an archive ref", &cmd::abort,
            changes_run},
    Command{"repair", "Rewrite an agent's branch without its changes to files it does not own", &cmd::repair,
            changes_run},
    Command{"accept", "Take an agent's branch as done as it is, without launching it again", &cmd::accept,
            changes_run},
    Command{"skip", "Leave an agent, and the agents that depend on it, out of the run", &cmd::skip,
            changes_run},
    Command{"relaunch", "Have the next 'git wave run' launch an agent again", &cmd::relaunch, changes_run},
    Command{"amend", "Let the run in progress take the plan committed since, for the waves not yet started",
            &cmd::amend, changes_run},
    Command{"run", "Run the plan unattended: launch, supervise, prove, gate and merge every wave", &cmd::run,
            changes_run},
    Command{"logs", "Print (or follow) the output of an agent's latest attempt under git wave run",
            &cmd::logs, Need::repository},
    Command{"attach", "Show the tmux window of an agent under git wave run --tmux", &cmd::attach,
            Need::repository},
    Command{"report", "Show what the waves bought: actual against theoretical speedup, where the time went",
            &cmd::report, Need::repository},
    Command{"join", "Work as an agent of a run from another clone: its branch, worktree, hook and brief",
            &cmd::join, Need::repository | Need::remote},
    Command{"claim", "Take the next agent of the wave nobody holds, by a claim on the remote", &cmd::claim,
            Need::repository | Need::remote},
    Command{"release", "Give a claimed agent back", &cmd::release, Need::repository | Need::remote},
    // Runs each call as a git-wave child, which checks for itself.
    Command{"mcp", "Serve the lead's tools to an agent over the Model Context Protocol (stdio)", &cmd::mcp,
            Need::none},
    // A hook finds its repository as git hands it over (GIT_DIR), bare or not.
    Command{"hook",
            "The ownership checks of commits (pre-commit) and of pushes (pre-receive), and installing them",
            &cmd::hook, Need::none},
};

constexpr std::array internal{
    Command{"--log-relay", "", &cmd::log_relay, Need::none},
};

} // namespace

std::span<const cli::Command> commands() {
  return table;
}

std::span<const cli::Command> internal_commands() {
  return internal;
}

} // namespace wave
