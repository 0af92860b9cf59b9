#pragma once

#include "core/exit.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace wave {

// The one exception hierarchy. Throw only to abort the whole command; main()
// catches it once, prints "error: <what>" and the hints, and exits with code().
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what, int code = exit_code::fatal,
                 std::vector<std::string> hints = {})
      : std::runtime_error(what), m_code(code), m_hints(std::move(hints)) {}

  int code() const noexcept { return m_code; }
  const std::vector<std::string>& hints() const noexcept { return m_hints; }

private:
  int m_code;
  std::vector<std::string> m_hints;
};

// Bad command line: exit 129.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& what, std::vector<std::string> hints = {})
      : Error(what, exit_code::usage, std::move(hints)) {}
};

// Already reported (diagnostics printed); just leave with this code.
class Exit : public std::exception {
public:
  explicit Exit(int code) : m_code(code) {}
  int code() const noexcept { return m_code; }
  const char* what() const noexcept override { return "exit"; }

private:
  int m_code;
};

} // namespace wave
