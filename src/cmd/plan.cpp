#include "cmd/commands.hpp"

#include "cli/color.hpp"
#include "cli/plan_loader.hpp"
#include "cli/term.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"
#include "render/plan_output.hpp"

#include <fmt/format.h>

#include <optional>

namespace wave::cmd {

namespace {

enum class Format { text, json, dot, mermaid };

// The repository around, if any. With --plan, one libgit2 cannot read
// (SHA-256) is no reason not to check the plan.
std::optional<git::Repo> repository(const std::string& plan_option) {
  try {
    return git::discover();
  } catch (const git::UnsupportedRepository&) {
    if (plan_option.empty()) {
      throw;
    }
    return std::nullopt;
  }
}

enum class List { agents, waves };

// `git wave plan --list=...`, the plumbing the completion scripts call: one
// name per line; nothing at all, on either stream, and 128 when the plan
// cannot be found, read or scheduled.
int list(const std::string& plan_option, bool split, List what) {
  std::optional<plan::ParseResult> result;
  try {
    const auto repo = repository(plan_option);
    const auto where = cli::resolve_plan_path(repo ? repo->get() : nullptr, plan_option);
    result = plan::parse(cli::read_plan_file(where), where.shown);
  } catch (const Error&) {
    return exit_code::fatal;
  }
  if (!result->plan) {
    return exit_code::fatal;
  }
  const auto schedule = plan::schedule(*result->plan, split, result->diagnostics);
  if (result->diagnostics.has_errors()) {
    return exit_code::fatal;
  }
  std::string out;
  if (what == List::agents) {
    for (const auto& agent : result->plan->agents) {
      out += agent.name + '\n';
    }
  } else {
    for (const auto& wave : schedule.waves) {
      out += wave.label + '\n';
    }
  }
  fmt::print("{}", out);
  return exit_code::ok;
}

} // namespace

int plan(const cli::Args& args) {
  cli::Parser parser(
      "plan",
      "git wave plan [--plan <path>] [--json | --format=<format>] [--split] [--color=<when>]\n"
      "   or: git wave plan [--plan <path>] [--split] --list=(agents | waves)",
      "Validate a plan and show its waves, gate commands, critical path, speedup and warnings.");
  std::string plan_option;
  bool json = false;
  std::string format_name = "text";
  bool split = false;
  std::optional<cli::ColorWhen> color_flag;
  std::string list_name;
  parser.plan(plan_option);
  parser.flag("--json", json, "print the plan and its schedule as JSON (same as --format=json)");
  parser.choice("--format", format_name, {"text", "json", "dot", "mermaid"},
                "output format: text (default), json, dot or mermaid", "<format>");
  parser.flag("--split", split,
              "run overlapping agents of a wave as sequential sub-waves instead of failing");
  parser.color(color_flag);
  parser.choice("--list", list_name, {"agents", "waves"},
                "plumbing: print the agent names or the wave labels, one per line", "(agents | waves)");
  parser.parse(args);
  if (parser.given("--list")) {
    if (json || parser.given("--format")) {
      throw UsageError("--list cannot be combined with --json or --format", {"see 'git wave plan -h'"});
    }
    return list(plan_option, split, list_name == "agents" ? List::agents : List::waves);
  }

  Format format = Format::text;
  if (format_name == "json") {
    format = Format::json;
  } else if (format_name == "dot") {
    format = Format::dot;
  } else if (format_name == "mermaid") {
    format = Format::mermaid;
  }
  if (json) {
    if (format != Format::text && format != Format::json) {
      throw UsageError(fmt::format("--json cannot be combined with --format={}", format_name),
                       {"see 'git wave plan -h'"});
    }
    format = Format::json;
  }

  const auto repo = repository(plan_option);
  git_repository* r = repo ? repo->get() : nullptr;
  const auto where = cli::resolve_plan_path(r, plan_option);
  const auto text = cli::read_plan_file(where);
  auto result = plan::parse(text, where.shown);
  std::optional<plan::Schedule> schedule;
  bool effective_split = split;
  if (result.plan) {
    effective_split = split || result.plan->overlap == plan::OverlapPolicy::split;
    schedule = plan::schedule(*result.plan, split, result.diagnostics);
  }
  const bool valid = !result.diagnostics.has_errors();
  const int code = valid ? exit_code::ok : exit_code::fatal;

  if (format == Format::json) {
    const auto doc = render::plan_json(where.shown, result.plan ? &*result.plan : nullptr,
                                    schedule ? &*schedule : nullptr, result.diagnostics, effective_split);
    fmt::print("{}\n", doc.dump(2));
    return code;
  }
  cli::print_diagnostics(result.diagnostics);
  if (!valid) {
    const auto errors = result.diagnostics.count(plan::Severity::error);
    const cli::Painter paint = cli::painter_for_stderr();
    fmt::print(stderr, "{} plan '{}' is invalid: {} error{}\n", paint(cli::Color::red, "error:"), where.shown,
               errors, errors == 1 ? "" : "s");
    return code;
  }
  switch (format) {
  case Format::dot:
    fmt::print("{}", render::plan_dot(*result.plan, *schedule));
    break;
  case Format::mermaid:
    fmt::print("{}", render::plan_mermaid(*result.plan, *schedule));
    break;
  case Format::text:
  case Format::json: {
    const auto paint = cli::stdout_painter(color_flag, r);
    fmt::print("{}", render::plan_text(*result.plan, *schedule, result.diagnostics, effective_split, paint));
    break;
  }
  }
  return code;
}

} // namespace wave::cmd
