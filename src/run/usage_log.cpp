#include "run/usage_log.hpp"

#include "util/file.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace wave::run {

namespace fs = std::filesystem;

namespace {

// Codex's own count of the model turns of its session `thread`, from its
// session file under $CODEX_HOME (~/.codex), which records each request.
std::optional<int> codex_turns(const std::string& thread) {
  const char* home = std::getenv("CODEX_HOME");
  const char* user = std::getenv("HOME");
  const fs::path dir = home != nullptr && *home != '\0' ? fs::path(home) / "sessions"
                       : user != nullptr                ? fs::path(user) / ".codex" / "sessions"
                                                        : fs::path();
  std::error_code ec;
  if (thread.empty() || dir.empty() || !fs::is_directory(dir, ec)) {
    return std::nullopt;
  }
  const std::string suffix = "-" + thread + ".jsonl";
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().ends_with(suffix)) {
      return codex_session_turns(util::read_file(it->path()).value_or(""));
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<Usage> attempt_usage(const fs::path& log) {
  UsageReader reader;
  reader.feed(util::read_file(log).value_or(""));
  auto usage = reader.usage();
  if (usage && !reader.codex_thread().empty()) {
    if (const auto turns = codex_turns(reader.codex_thread())) {
      usage->turns = std::max(*turns, usage->turns.value_or(0));
    }
  }
  return usage;
}

std::optional<Usage> LogUsage::read() {
  std::error_code ec;
  const auto size = fs::file_size(m_log, ec);
  if (ec) {
    return m_reader.usage();
  }
  if (size < m_offset) { // capped (util/log_cap): read again from the start
    m_reader = {};
    m_offset = 0;
  }
  std::ifstream in(m_log, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(m_offset));
  std::string chunk(static_cast<std::size_t>(size - m_offset), '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
  m_offset += chunk.size();
  m_reader.feed(chunk);
  return m_reader.usage();
}

} // namespace wave::run
