#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// The MCP stdio transport's framing: one JSON-RPC message a line, UTF-8,
// no newline inside a message. Pure: bytes in, messages out.
namespace wave::mcp {

// Larger messages are refused (an error each), never buffered whole.
inline constexpr std::size_t max_message_size = std::size_t{4} << 20;

struct Frame {
  std::string text;       // the message, without its newline (and a CR before it)
  bool oversized = false; // longer than the cap: `text` is empty, `size` its length
  std::size_t size = 0;
};

// Splits what is read from the transport into messages. A message longer
// than `cap` is dropped as it arrives (memory stays bounded) and reported
// once as oversized when its newline comes. Blank lines are skipped.
class Framer {
public:
  explicit Framer(std::size_t cap = max_message_size) : m_cap(cap) {}

  // Appends `bytes`; returns the messages they completed.
  std::vector<Frame> feed(std::string_view bytes);
  // At the end of input: the unterminated last message, if any.
  std::vector<Frame> finish();

private:
  void complete(std::vector<Frame>& out);

  std::size_t m_cap;
  std::string m_buffer;
  std::size_t m_dropped = 0; // bytes of the current message thrown away, when oversized
  bool m_oversized = false;
};

} // namespace wave::mcp
