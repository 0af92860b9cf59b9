#include "plan/name.hpp"

#include "git/refname.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace wave::plan {

namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

bool alnum(char c) {
  return allowed(c) && c != '-' && c != '_' && c != '.';
}

} // namespace

std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) {
    return std::string("is empty");
  }
  // git's reasons first: they say it best ("contains a space").
  if (auto problem = git::ref_component_problem(name)) {
    return problem;
  }
  if (name.size() > max_name_length) {
    return fmt::format("is {} bytes long (at most {})", name.size(), max_name_length);
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!allowed(name[i])) {
      // The whole UTF-8 sequence of a multi-byte character, escaped.
      std::size_t end = i + 1;
      while (end < name.size() && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) {
        ++end;
      }
      return fmt::format("contains '{}'", util::escape_control(name.substr(i, end - i)));
    }
  }
  if (!alnum(name.front())) {
    return fmt::format("starts with '{}'", name.front());
  }
  return std::nullopt;
}

} // namespace wave::plan
