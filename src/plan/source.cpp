#include "plan/source.hpp"

namespace wave::plan {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// UTF-8 length of a code point given as hex digits after \u or \U.
std::size_t utf8_length(std::string_view digits) {
  unsigned long cp = 0;
  for (const char c : digits) {
    const int v = hex_value(c);
    if (v < 0) {
      return 1;
    }
    cp = cp * 16 + static_cast<unsigned long>(v);
  }
  if (cp < 0x80) {
    return 1;
  }
  if (cp < 0x800) {
    return 2;
  }
  if (cp < 0x10000) {
    return 3;
  }
  return 4;
}

} // namespace

Location string_offset(std::string_view text, Location value, std::size_t offset) {
  if (value.line < 1 || value.column < 1) {
    return value;
  }
  // Find the start of the line.
  std::size_t pos = 0;
  for (int line = 1; line < value.line; ++line) {
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) {
      return value;
    }
    ++pos;
  }
  // Advance to the column (columns count code points).
  for (int column = 1; column < value.column; ++column) {
    if (pos >= text.size() || text[pos] == '\n') {
      return value;
    }
    ++pos;
    while (pos < text.size() && continuation(text[pos])) {
      ++pos;
    }
  }
  if (pos >= text.size() || (text[pos] != '"' && text[pos] != '\'')) {
    return value;
  }
  const char quote = text[pos];
  if (text.substr(pos, 3) == std::string_view(quote == '"' ? "\"\"\"" : "'''")) {
    return value;
  }
  ++pos;
  int column = value.column + 1;
  std::size_t decoded = 0;
  while (pos < text.size() && text[pos] != quote && text[pos] != '\n') {
    if (decoded >= offset) {
      return {value.line, column};
    }
    std::size_t raw = 1;
    std::size_t bytes = 1;
    if (quote == '"' && text[pos] == '\\' && pos + 1 < text.size()) {
      const char kind = text[pos + 1];
      if (kind == 'u') {
        raw = 6;
        bytes = utf8_length(text.substr(pos + 2, 4));
      } else if (kind == 'U') {
        raw = 10;
        bytes = utf8_length(text.substr(pos + 2, 8));
      } else {
        raw = 2;
      }
    } else {
      while (pos + raw < text.size() && continuation(text[pos + raw])) {
        ++raw;
      }
      bytes = raw;
      // A multi-byte character is one column; an offset inside it lands on it.
      if (decoded + bytes > offset) {
        return {value.line, column};
      }
      decoded += bytes;
      pos += raw;
      ++column;
      continue;
    }
    if (decoded + bytes > offset) {
      return {value.line, column};
    }
    decoded += bytes;
    pos += raw;
    column += static_cast<int>(raw);
  }
  return {value.line, column};
}

} // namespace wave::plan
