#pragma once

#include "plan/model.hpp"

#include <string>
#include <vector>

namespace wave::plan {

// note: information that is not a problem (printed as "note:", never fails a plan).
enum class Severity { error, warning, note };

// One finding about a plan, positioned in its file when the position is known.
struct Diagnostic {
  Severity severity = Severity::error;
  Location where;
  std::string message;
  std::string hint; // what to do; may be empty
};

struct Diagnostics {
  std::string file; // plan file as shown in messages
  std::vector<Diagnostic> items;

  void error(Location where, std::string message, std::string hint = {});
  void warning(Location where, std::string message, std::string hint = {});
  void note(Location where, std::string message, std::string hint = {});
  bool has_errors() const noexcept;
  // Orders the items by position (stable; items without a position last).
  void sort();
  std::size_t count(Severity s) const noexcept;
};

// "error", "warning" or "note".
const char* severity_name(Severity s) noexcept;

// "wave.toml:12:3: error: message" (or "warning:", "note:") (no position: "wave.toml: error: ...").
// The hint, if any, is a second line "hint: ...".
std::string format(const std::string& file, const Diagnostic& d);

} // namespace wave::plan
