#pragma once

#include "plan/model.hpp"

#include <array>
#include <string>
#include <unordered_map>
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

// A flood of one finding (200,000 integers in `protected`) is kept
// util::max_listed times; the rest of it is counted in one item after them,
// "... and 199,990 more like it", so a plan's errors stay readable and cheap.
struct Diagnostics {
  std::string file; // plan file as shown in messages
  std::vector<Diagnostic> items;

  void error(Location where, std::string message, std::string hint = {});
  void warning(Location where, std::string message, std::string hint = {});
  void note(Location where, std::string message, std::string hint = {});
  bool has_errors() const noexcept;
  // Orders the items by position (stable; items without a position last).
  void sort();
  // Findings of severity `s`, those counted in a summary included.
  std::size_t count(Severity s) const noexcept;

private:
  void add(Severity severity, Location where, std::string message, std::string hint);
  struct Seen {
    std::size_t times = 0;
    std::size_t summary = 0; // index of the "... and N more" item, once there is one
  };
  std::unordered_map<std::string, Seen> m_seen; // by severity and message
  std::array<std::size_t, 3> m_uncounted{};     // findings in a summary beyond its first, by severity
};

// "error", "warning" or "note".
const char* severity_name(Severity s) noexcept;

// "wave.toml:12:3: error: message" (or "warning:", "note:") (no position: "wave.toml: error: ...").
// The hint, if any, is a second line "hint: ...".
std::string format(const std::string& file, const Diagnostic& d);

} // namespace wave::plan
