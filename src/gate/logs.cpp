#include "gate/logs.hpp"

#include "run/state.hpp"

#include <fmt/format.h>

#include <cctype>

namespace wave::gate {

namespace fs = std::filesystem;

namespace {

std::string slug(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (std::isalnum(u) != 0 || c == '.' || c == '_') ? c : '-';
  }
  return out;
}

} // namespace

fs::path LogNames::next(std::string_view what, std::string_view agent) {
  return m_dir / fmt::format("{:02}-{}{}{}.log", ++m_n, slug(what), agent.empty() ? "" : "-", slug(agent));
}

fs::path new_log_dir(const fs::path& logs, const std::string& wave) {
  std::string stamp = run::now_text(); // 2024-05-01T12:00:00Z
  std::string compact;
  for (const char c : stamp) {
    if (c != '-' && c != ':') {
      compact += c;
    }
  }
  fs::path dir = logs / fmt::format("gate-{}-{}", slug(wave), compact);
  for (int n = 2; fs::exists(dir); ++n) {
    dir = logs / fmt::format("gate-{}-{}-{}", slug(wave), compact, n);
  }
  return dir;
}

} // namespace wave::gate
