#pragma once

#include "gate/audit.hpp"

#include <nlohmann/json.hpp>

// One ownership finding as `--json` shows it, the same in gate and audit.
namespace wave::render {

// {"agent", "path", "owners", "protected", "commit"} (commit "" for
// uncommitted work).
nlohmann::ordered_json finding_json(const gate::Finding& f);

} // namespace wave::render
