#pragma once

#include "report/timeline.hpp"

#include <string>

// The picture of a report: a self-contained SVG timeline, one lane per agent
// grouped by wave, attempts as bars, gates and merges as marks, the actual
// critical path highlighted, the figures above and a legend. No script, no
// external font or style sheet.
namespace wave::report {

std::string svg(const Report& report);

// An HTML page holding that picture.
std::string html(const Report& report);

} // namespace wave::report
