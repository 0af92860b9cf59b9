#include "cmd/commands.hpp"

#include "cli/plan_loader.hpp"
#include "cli/plan_output.hpp"
#include "cli/term.hpp"
#include "core/error.hpp"
#include "git/check.hpp"
#include "git/repo.hpp"
#include "plan/parse.hpp"
#include "plan/schedule.hpp"

#include <fmt/format.h>

#include <optional>

namespace wave::cmd {

namespace {

enum class Format { text, json, dot, mermaid };

enum class List { agents, waves };

// `git wave plan --list=...`, the plumbing the completion scripts call: one
// name per line; nothing at all, on either stream, and 128 when the plan
// cannot be found, read or scheduled.
int list(const std::string& plan_option, bool split, List what) {
  std::optional<plan::ParseResult> result;
  try {
    const auto repo = git::discover();
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
  auto app = cli::make_app("plan",
                           "git wave plan [--plan <path>] [--json | --format=<format>] [--split] [--color=<when>]\n"
                           "   or: git wave plan [--plan <path>] [--split] --list=(agents | waves)",
                           "Validate a plan and show its waves, critical path, speedup and warnings.");
  std::string plan_option;
  bool json = false;
  std::string format_name = "text";
  bool split = false;
  std::string color_name;
  std::string list_name;
  cli::add_plan_option(*app, plan_option);
  app->add_flag("--json", json, "print the plan and its schedule as JSON (same as --format=json)");
  app->add_option("--format", format_name, "output format: text (default), json, dot or mermaid")
      ->option_text("<format>")
      ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}));
  app->add_flag("--split", split, "run overlapping agents of a wave as sequential sub-waves instead of failing");
  app->add_option("--color", color_name, "colour the output: always, never or auto (default)")
      ->option_text("<when>");
  app->add_option("--list", list_name, "plumbing: print the agent names or the wave labels, one per line")
      ->option_text("(agents | waves)")
      ->check(CLI::IsMember({"agents", "waves"}));
  cli::parse(*app, args);
  if (app->count("--list") > 0) {
    if (json || app->count("--format") > 0) {
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
  std::optional<cli::ColorWhen> color_flag;
  if (app->count("--color") > 0) {
    color_flag = cli::parse_color_when(color_name);
    if (!color_flag) {
      throw UsageError(fmt::format("invalid --color value '{}'", color_name),
                       {"use --color=always, --color=never or --color=auto"});
    }
  }

  const auto repo = git::discover();
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
    const auto doc = cli::plan_json(where.shown, result.plan ? &*result.plan : nullptr,
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
    fmt::print("{}", cli::plan_dot(*result.plan, *schedule));
    break;
  case Format::mermaid:
    fmt::print("{}", cli::plan_mermaid(*result.plan, *schedule));
    break;
  case Format::text:
  case Format::json: {
    std::optional<std::string> color_wave;
    std::optional<std::string> color_ui;
    if (r != nullptr) {
      color_wave = git::config_string(r, "color.wave");
      color_ui = git::config_string(r, "color.ui");
    }
    const auto paint = cli::painter_for_stdout(color_flag, color_wave, color_ui);
    fmt::print("{}", cli::plan_text(*result.plan, *schedule, result.diagnostics, effective_split, paint));
    break;
  }
  }
  return code;
}

} // namespace wave::cmd
