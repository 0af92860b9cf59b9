#include "cli/plan_loader.hpp"

#include "cli/term.hpp"
#include "core/error.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::cli {

void print_diagnostics(const plan::Diagnostics& diagnostics) {
  const Painter paint = painter_for_stderr();
  for (const auto& d : diagnostics.items) {
    Color color = Color::red;
    if (d.severity == plan::Severity::warning) {
      color = Color::yellow;
    } else if (d.severity == plan::Severity::note) {
      color = Color::cyan;
    }
    const std::string kind = paint(color, fmt::format("{}:", plan::severity_name(d.severity)));
    const std::string place = d.where.line > 0
                                  ? fmt::format("{}:{}:{}:", diagnostics.file, d.where.line, d.where.column)
                                  : fmt::format("{}:", diagnostics.file);
    fmt::print(stderr, "{} {} {}\n", paint(Color::bold, util::escape_control(place)), kind,
               util::escape_control(d.message));
    if (!d.hint.empty()) {
      fmt::print(stderr, "{} {}\n", paint(Color::yellow, "hint:"), util::escape_control(d.hint));
    }
  }
}

plan::Plan load_plan_text(std::string_view text, std::string shown) {
  auto result = plan::parse(text, std::move(shown));
  print_diagnostics(result.diagnostics);
  if (!result.plan) {
    throw Exit(exit_code::fatal);
  }
  return std::move(*result.plan);
}

plan::Schedule schedule_plan(const plan::Plan& plan, bool split) {
  plan::Diagnostics diagnostics;
  diagnostics.file = plan.file;
  auto schedule = plan::schedule(plan, split, diagnostics);
  print_diagnostics(diagnostics);
  if (diagnostics.has_errors()) {
    throw Exit(exit_code::fatal);
  }
  return schedule;
}

LoadedPlan load_plan(git_repository* repo, const std::string& option) {
  auto where = resolve_plan_path(repo, option);
  const auto text = read_plan_file(where);
  auto plan = load_plan_text(text, where.shown);
  return {std::move(plan), std::move(where)};
}

} // namespace wave::cli
