#pragma once

#include "run/usage.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

// What an attempt spent, read from the files its agent CLI wrote: its log
// (run/usage.hpp reads the text), and for Codex its session file under
// $CODEX_HOME (~/.codex), whose count of model turns its log undercounts.
namespace wave::run {

// What the attempt whose log is `log` spent, once it has ended.
std::optional<Usage> attempt_usage(const std::filesystem::path& log);

// Reads an attempt's log as it grows, for what it spent so far: each read
// reads what was added since the last (all of it again once the log was
// capped shorter).
class LogUsage {
public:
  explicit LogUsage(std::filesystem::path log) : m_log(std::move(log)) {}
  std::optional<Usage> read();

private:
  std::filesystem::path m_log;
  std::uintmax_t m_offset = 0;
  UsageReader m_reader;
};

} // namespace wave::run
