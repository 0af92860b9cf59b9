#pragma once

#include "cli/term.hpp"
#include "plan/diagnostic.hpp"
#include "plan/model.hpp"
#include "plan/schedule.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

// The renderings of `git wave plan`: a table for people, JSON for scripts,
// Graphviz dot and Mermaid for drawings.
namespace wave::render {

// The waves as a table, then the critical path, the speedup and a summary line.
std::string plan_text(const plan::Plan& plan, const plan::Schedule& schedule,
                      const plan::Diagnostics& diagnostics, bool split, const cli::Painter& paint);

// The stable JSON document of git-wave-plan(1). `plan` and `schedule` are
// null when the plan could not be read.
nlohmann::ordered_json plan_json(const std::string& file, const plan::Plan* plan, const plan::Schedule* schedule,
                         const plan::Diagnostics& diagnostics, bool split);

std::string plan_dot(const plan::Plan& plan, const plan::Schedule& schedule);
std::string plan_mermaid(const plan::Plan& plan, const plan::Schedule& schedule);

} // namespace wave::render
