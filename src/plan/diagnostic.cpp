#include "plan/diagnostic.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace wave::plan {

void Diagnostics::add(Severity severity, Location where, std::string message, std::string hint) {
  Seen& seen = m_seen[std::string(1, static_cast<char>('0' + static_cast<int>(severity))) + message];
  ++seen.times;
  if (seen.times <= util::max_listed) {
    items.push_back({severity, where, std::move(message), std::move(hint)});
    return;
  }
  const std::string more = util::and_more(seen.times - util::max_listed) + " like it";
  if (seen.times == util::max_listed + 1) {
    seen.summary = items.size();
    items.push_back({severity, where, more, {}});
  } else {
    items[seen.summary].message = more;
    ++m_uncounted[static_cast<std::size_t>(severity)];
  }
}

void Diagnostics::error(Location where, std::string message, std::string hint) {
  add(Severity::error, where, std::move(message), std::move(hint));
}

void Diagnostics::warning(Location where, std::string message, std::string hint) {
  add(Severity::warning, where, std::move(message), std::move(hint));
}

void Diagnostics::note(Location where, std::string message, std::string hint) {
  add(Severity::note, where, std::move(message), std::move(hint));
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
  const auto key = [](const Diagnostic& d) {
    return std::pair{d.where.line > 0 ? d.where.line : std::numeric_limits<int>::max(), d.where.column};
  };
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return key(items[a]) < key(items[b]); });
  std::vector<Diagnostic> sorted;
  std::vector<std::size_t> moved_to(items.size());
  sorted.reserve(items.size());
  for (const std::size_t from : order) {
    moved_to[from] = sorted.size();
    sorted.push_back(std::move(items[from]));
  }
  items = std::move(sorted);
  for (auto& [message, seen] : m_seen) {
    if (seen.times > util::max_listed) {
      seen.summary = moved_to[seen.summary];
    }
  }
}

bool Diagnostics::has_errors() const noexcept { return count(Severity::error) > 0; }

std::size_t Diagnostics::count(Severity s) const noexcept {
  return m_uncounted[static_cast<std::size_t>(s)] +
         static_cast<std::size_t>(
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
