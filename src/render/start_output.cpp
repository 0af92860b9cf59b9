#include "render/start_output.hpp"

#include "cli/plan_loader.hpp"
#include "core/exit.hpp"
#include "git/check.hpp"
#include "git/wave_hooks.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace wave::render {

namespace fs = std::filesystem;

namespace {

using cli::Color;

// `path` relative to the current directory when that is shorter.
std::string display_path(const std::string& path) {
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  if (ec) {
    return path;
  }
  const auto rel = fs::path(path).lexically_relative(cwd);
  if (rel.empty()) {
    return path;
  }
  const std::string r = rel.string();
  return r.size() < path.size() ? r : path;
}

// Says, per agent set up, when a commit in its worktree will not run the
// ownership check. The gate still audits every commit, so this is a
// warning, not a failure.
void warn_unchecked(const flow::StartReport& report) {
  const cli::Painter err = cli::painter_for_stderr();
  bool any = false;
  for (const auto& a : report.setups) {
    if (!a.unchecked) {
      continue;
    }
    fmt::print(stderr, "{} agent '{}': commits in its worktree will not run the ownership check: {}\n",
               err(Color::yellow, "warning:"), a.name, *a.unchecked);
    any = true;
  }
  if (any) {
    fmt::print(stderr,
               "{} add 'git wave hook pre-commit' to the hook manager's pre-commit steps, or install git "
               "wave's hook with 'git wave hook install' (git-wave-hook(1), HOOK MANAGERS); 'git wave gate' "
               "still audits every commit of every branch\n",
               err(Color::yellow, "hint:"));
  }
}

} // namespace

StartPrinter::StartPrinter(std::FILE* out, bool launched) : m_out(out), m_launched(launched) {}

void StartPrinter::plan_read(const plan::Diagnostics& diagnostics) {
  cli::print_diagnostics(diagnostics);
}

void StartPrinter::plan_differs(const flow::StartReport& report) {
  const cli::Painter paint = cli::painter_for_stderr();
  fmt::print(stderr,
             "{} the plan committed on '{}' differs from the one run '{}' started with; the run goes on "
             "with its recorded plan\n",
             paint(Color::yellow, "warning:"), report.integration, report.run);
  fmt::print(stderr,
             "{} 'git wave amend' lets the run take it for the waves not yet started; a plan with "
             "another name is a new run\n",
             paint(Color::yellow, "hint:"));
}

void StartPrinter::decided(const flow::StartReport& report) {
  if (report.hook && report.hook->status != git::HookStatus::unchanged &&
      report.hook->status != git::HookStatus::integrated) {
    fmt::print(m_out, "{}\n", git::describe(*report.hook));
  }
  if (report.hook_problem) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} {}\n", err(Color::yellow, "warning:"), report.hook_problem->message);
    for (const auto& h : report.hook_problem->hints) {
      fmt::print(stderr, "{} {}\n", err(Color::yellow, "hint:"), h);
    }
  }
  if (report.nothing_to_do) {
    return;
  }
  if (report.kind == flow::Decision::Kind::start) {
    fmt::print(m_out, "starting wave {} of run '{}' from {} at {}: {}\n", report.label, report.run,
               report.integration, git::short_oid(report.base), util::join(report.agents, ", "));
  } else {
    fmt::print(m_out, "completing wave {} of run '{}', started before\n", report.label, report.run);
  }
}

void StartPrinter::agent_done(const flow::AgentSetup& setup) {
  if (setup.ok) {
    fmt::print(m_out, "  {} {:<16} {}\n", m_paint(Color::green, "ok    "), setup.name,
               display_path(setup.worktree));
  } else {
    fmt::print(m_out, "  {} {:<16} {}\n", m_paint(Color::red, "failed"), setup.name, setup.error);
    fmt::print(m_out, "         {:<16} log: {}\n", "", setup.setup_log);
  }
  std::fflush(m_out);
}

int StartPrinter::finish(const flow::StartReport& report) {
  if (report.outcome == flow::StartOutcome::complete) {
    fmt::print(m_out, "run '{}' is complete: every wave is merged\n", report.run);
    return exit_code::ok;
  }
  if (report.nothing_to_do) {
    fmt::print(m_out, "wave {} of run '{}' is already started: {}; nothing to do\n", report.label, report.run,
               util::join(report.agents, ", "));
    return exit_code::ok;
  }
  warn_unchecked(report);
  if (const std::size_t failed = report.failed(); failed > 0) {
    const cli::Painter err = cli::painter_for_stderr();
    fmt::print(stderr, "{} {} of {} agents of wave {} failed to set up\n", err(Color::red, "error:"), failed,
               report.agents.size(), report.label);
    fmt::print(stderr, "{} fix the cause (see the logs), then run 'git wave start' again to retry them\n",
               err(Color::yellow, "hint:"));
    return exit_code::not_satisfied;
  }
  if (!m_launched) {
    fmt::print(
        m_out,
        "wave {} of run '{}' is ready: brief an agent with 'git wave prompt <agent>', follow with 'git "
        "wave status'\n",
        report.label, report.run);
  }
  return exit_code::ok;
}

void print_published(const flow::RemoteRun& remote) {
  fmt::print("published run '{}' to '{}': agents elsewhere join with 'git wave join {} <agent>'\n",
             remote.run, remote.remote, remote.run);
}

} // namespace wave::render
