#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// Where one gate run writes its step logs.
namespace wave::gate {

// "<logs dir>/gate-<label>-<UTC time>": a new folder for one gate run.
std::filesystem::path new_log_dir(const std::filesystem::path& logs, const std::string& wave);

// Numbered log files in the gate's folder, in the order steps are planned:
// "03-agent-gate-alpha.log".
class LogNames {
public:
  explicit LogNames(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  std::filesystem::path next(std::string_view what, std::string_view agent = {});

private:
  std::filesystem::path m_dir;
  int m_n = 0;
};

} // namespace wave::gate
