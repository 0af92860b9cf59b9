#include "mcp/framing.hpp"

namespace wave::mcp {

void Framer::complete(std::vector<Frame>& out) {
  if (m_oversized) {
    out.push_back(Frame{{}, true, m_dropped + m_buffer.size()});
  } else {
    if (!m_buffer.empty() && m_buffer.back() == '\r') {
      m_buffer.pop_back();
    }
    if (m_buffer.find_first_not_of(" \t") != std::string::npos) {
      out.push_back(Frame{std::move(m_buffer), false, 0});
    }
  }
  m_buffer.clear();
  m_dropped = 0;
  m_oversized = false;
}

std::vector<Frame> Framer::feed(std::string_view bytes) {
  std::vector<Frame> out;
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const std::string_view part = bytes.substr(0, nl);
    if (m_oversized) {
      m_dropped += part.size();
    } else if (m_buffer.size() + part.size() > m_cap) {
      m_oversized = true;
      m_dropped = m_buffer.size() + part.size();
      m_buffer.clear();
      m_buffer.shrink_to_fit();
    } else {
      m_buffer.append(part);
    }
    if (nl == std::string_view::npos) {
      break;
    }
    complete(out);
    bytes.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<Frame> Framer::finish() {
  std::vector<Frame> out;
  if (m_oversized || !m_buffer.empty()) {
    complete(out);
  }
  return out;
}

} // namespace wave::mcp
