#include "util/log_cap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unistd.h>

namespace wave::util {

namespace {

void pwrite_all(int fd, std::string_view data, std::uint64_t at) {
  while (!data.empty()) {
    const auto n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(at));
    if (n <= 0) {
      return; // a full disk: the log is only a log
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    at += static_cast<std::uint64_t>(n);
  }
}

std::string pread_all(int fd, std::uint64_t from, std::uint64_t to) {
  std::string out(static_cast<std::size_t>(to - from), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const auto n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(from + got));
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

} // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::string t;
  for (const char c : text) {
    if (c != ' ') {
      t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (t == "none") {
    return 0;
  }
  std::size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) != 0 || t[i] == '.')) {
    ++i;
  }
  const std::string number = t.substr(0, i);
  const std::string unit = t.substr(i);
  if (number.empty() || number.front() == '.' || number.back() == '.' ||
      std::count(number.begin(), number.end(), '.') > 1) {
    return std::nullopt;
  }
  double scale = 0;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "kb") {
    scale = 1e3;
  } else if (unit == "mb") {
    scale = 1e6;
  } else if (unit == "gb") {
    scale = 1e9;
  } else if (unit == "kib") {
    scale = 1024.0;
  } else if (unit == "mib") {
    scale = 1024.0 * 1024;
  } else if (unit == "gib") {
    scale = 1024.0 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (number.size() > 20) {
    return std::nullopt;
  }
  const double value = std::stod(number) * scale;
  if (!(value < std::ldexp(1.0, 50))) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(std::llround(value));
}

std::string format_size(std::uint64_t bytes) {
  if (bytes >= 1024ULL * 1024 * 1024) {
    return fmt::format("{:.1f}GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  }
  if (bytes >= 1024ULL * 1024) {
    return fmt::format("{:.1f}MiB", static_cast<double>(bytes) / (1024.0 * 1024));
  }
  if (bytes >= 1024) {
    return fmt::format("{:.1f}KiB", static_cast<double>(bytes) / 1024.0);
  }
  return fmt::format("{}B", bytes);
}

CappedLog::CappedLog(int fd, std::uint64_t cap, std::uint64_t already)
    : m_fd(fd), m_cap(cap), m_head_keep(cap / 2), m_tail_keep(cap - cap / 2), m_written(already) {}

void CappedLog::write(std::string_view data) {
  if (data.empty()) {
    return;
  }
  if (!m_capped && (m_cap == 0 || m_written + data.size() <= m_cap)) {
    pwrite_all(m_fd, data, m_written);
    m_written += data.size();
    return;
  }
  if (!m_capped) {
    // What fits goes to the file first (a first read may hold more than
    // the cap: the head is taken from it too).
    const auto fit = static_cast<std::size_t>(m_cap - std::min(m_cap, m_written));
    pwrite_all(m_fd, data.substr(0, fit), m_written);
    m_written += std::min(fit, data.size());
    data.remove_prefix(std::min(fit, data.size()));
    // Past the cap: the head is cut after its last newline (whole lines)
    // when it has one; what the file holds beyond starts the tail.
    const std::string head = pread_all(m_fd, 0, std::min(m_written, m_head_keep));
    const auto nl = head.rfind('\n');
    m_head = nl == std::string::npos ? head.size() : nl + 1;
    m_tail = pread_all(m_fd, m_head, m_written);
    m_capped = true;
  }
  m_tail.append(data);
  m_dirty = true;
  if (m_tail.size() > 2 * m_tail_keep + 65536) {
    flush(); // keeps memory bounded
  }
}

std::string CappedLog::marker() const {
  const bool whole = m_head == 0 || pread_all(m_fd, m_head - 1, m_head) == "\n";
  return fmt::format("{}[git wave: {} bytes ({} line{}) dropped here: the log is capped at {} (log_cap); its "
                     "first and last parts are kept]\n",
                     whole ? "" : "\n", m_dropped, m_dropped_lines, m_dropped_lines == 1 ? "" : "s",
                     format_size(m_cap));
}

void CappedLog::flush() {
  if (!m_capped || !m_dirty) {
    return;
  }
  if (m_tail.size() > m_tail_keep) {
    std::size_t drop = m_tail.size() - static_cast<std::size_t>(m_tail_keep);
    // From a line start, when the kept part has one.
    const auto nl = m_tail.find('\n', drop);
    const auto reach = std::min<std::size_t>(static_cast<std::size_t>(m_tail_keep / 4), 65536);
    if (nl != std::string::npos && nl - drop < reach && nl + 1 < m_tail.size()) {
      drop = nl + 1;
    }
    m_dropped += drop;
    m_dropped_lines += static_cast<std::uint64_t>(
        std::count(m_tail.begin(), m_tail.begin() + static_cast<long>(drop), '\n'));
    m_tail.erase(0, drop);
  }
  const std::string text = marker() + m_tail;
  pwrite_all(m_fd, text, m_head);
  (void)!::ftruncate(m_fd, static_cast<off_t>(m_head + text.size()));
  m_dirty = false;
}

} // namespace wave::util
