#include "plan/diagnostic.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace wave::plan {

void Diagnostics::error(Location where, std::string message, std::string hint) {
  items.push_back({Severity::error, where, std::move(message), std::move(hint)});
}

void Diagnostics::warning(Location where, std::string message, std::string hint) {
  items.push_back({Severity::warning, where, std::move(message), std::move(hint)});
}

void Diagnostics::note(Location where, std::string message, std::string hint) {
  items.push_back({Severity::note, where, std::move(message), std::move(hint)});
}

const char* severity_name(Severity s) noexcept {
  switch (s) {
  case Severity::error:
    return "error";
  case Severity::warning:
    return "warning";
  case Severity::note:
    return "note";
  }
  return "error";
}

void Diagnostics::sort() {
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto key = [](const Diagnostic& d) {
      return std::pair{d.where.line > 0 ? d.where.line : std::numeric_limits<int>::max(), d.where.column};
    };
    return key(a) < key(b);
  });
}

bool Diagnostics::has_errors() const noexcept { return count(Severity::error) > 0; }

std::size_t Diagnostics::count(Severity s) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [s](const Diagnostic& d) { return d.severity == s; }));
}

std::string format(const std::string& file, const Diagnostic& d) {
  const char* kind = severity_name(d.severity);
  const auto message = util::escape_control(d.message);
  std::string out = d.where.line > 0 ? fmt::format("{}:{}:{}: {}: {}", util::escape_control(file),
                                                   d.where.line, d.where.column, kind, message)
                                     : fmt::format("{}: {}: {}", util::escape_control(file), kind, message);
  if (!d.hint.empty()) {
    out += fmt::format("\nhint: {}", util::escape_control(d.hint));
  }
  return out;
}

} // namespace wave::plan
