#include "git/refname.hpp"

#include <fmt/format.h>

namespace wave::git {

namespace {

// The character that makes a component invalid wherever it appears.
std::optional<std::string> bad_character(unsigned char c) {
  if (c < 0x20 || c == 0x7f) {
    return fmt::format("contains a control character (\\x{:02x})", static_cast<unsigned>(c));
  }
  switch (c) {
  case ' ':
    return std::string("contains a space");
  case '~':
  case '^':
  case ':':
  case '?':
  case '*':
  case '[':
  case '\\':
    return fmt::format("contains '{}'", static_cast<char>(c));
  default:
    return std::nullopt;
  }
}

// One '/'-free component (refs.c check_refname_component).
std::optional<std::string> component_problem(std::string_view part) {
  if (part.empty()) {
    return std::string("has an empty component ('//', or a leading or trailing '/')");
  }
  if (part.front() == '.') {
    return std::string("has a component that starts with '.'");
  }
  char last = '\0';
  for (const char ch : part) {
    const auto c = static_cast<unsigned char>(ch);
    if (auto bad = bad_character(c)) {
      return bad;
    }
    if (ch == '.' && last == '.') {
      return std::string("contains '..'");
    }
    if (ch == '{' && last == '@') {
      return std::string("contains '@{'");
    }
    last = ch;
  }
  if (part.ends_with(".lock")) {
    return std::string("has a component that ends with '.lock'");
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> refname_problem(std::string_view name, bool allow_onelevel) {
  if (name.empty()) {
    return std::string("is empty");
  }
  if (name == "@") {
    return std::string("is '@'");
  }
  std::size_t components = 0;
  std::size_t start = 0;
  while (true) {
    const auto slash = name.find('/', start);
    const auto part =
        name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (auto problem = component_problem(part)) {
      return problem;
    }
    ++components;
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  if (name.back() == '.') {
    return std::string("ends with '.'");
  }
  if (!allow_onelevel && components < 2) {
    return std::string("has one component only");
  }
  return std::nullopt;
}

std::optional<std::string> branch_name_problem(std::string_view name) {
  if (name.starts_with('-')) {
    return std::string("starts with '-'");
  }
  if (name == "HEAD" || name == "@") {
    return fmt::format("is '{}', which names the current commit, not a branch", name);
  }
  if (name.empty()) {
    return std::string("is empty");
  }
  return refname_problem(fmt::format("refs/heads/{}", name), false);
}

std::optional<std::string> ref_component_problem(std::string_view name) {
  if (name.find('/') != std::string_view::npos) {
    return std::string("contains '/'");
  }
  if (name.starts_with('-')) {
    return std::string("starts with '-'");
  }
  return refname_problem(name, true);
}

std::optional<std::string> remote_name_problem(std::string_view name) {
  if (name.empty()) {
    return std::string("is empty");
  }
  if (name.starts_with('-')) {
    return std::string("starts with '-'");
  }
  return refname_problem(fmt::format("refs/remotes/{}/test", name), false);
}

} // namespace wave::git
