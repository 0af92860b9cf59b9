#pragma once

#include "cli/term.hpp"
#include "report/timeline.hpp"

#include <nlohmann/json.hpp>

#include <string>

// The renderings of `git wave report` for the terminal and for scripts (the
// picture is report/svg).
namespace wave::render {

// The figures, where the time went, the critical paths, then a timeline in
// characters `width` columns wide.
std::string report_text(const report::Report& report, const cli::Painter& paint, std::size_t width = 60);

// The stable JSON document of git-wave-report(1).
nlohmann::ordered_json report_json(const report::Report& report);

} // namespace wave::render
