#include "plan/source.hpp"

#include <fmt/format.h>

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

std::optional<UnsafeCharacter> unsafe_character(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0; // a UTF-8 byte order mark is allowed
  const auto advance = [&](std::size_t n) {
    for (std::size_t k = 0; k < n && i < text.size(); ++k, ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if (!continuation(text[i])) {
        ++column;
      }
    }
  };
  const auto control = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
  };
  const auto found = [&](std::string message) {
    return std::optional<UnsafeCharacter>(UnsafeCharacter{{line, column}, std::move(message)});
  };
  const auto control_message = [&] {
    return fmt::format("a raw control character (\\x{:02x})",
                       static_cast<unsigned>(static_cast<unsigned char>(text[i])));
  };
  // The last character outside strings, whitespace and comments: a quote
  // opens a string only where TOML allows one (a key at the start of a
  // line, after '.', '=', '[', ',' or '{'); elsewhere the text is invalid and
  // its bytes are taken as outside any string, as toml++ may read them.
  char prev = '\n';
  while (i < text.size()) {
    const char c = text[i];
    if (control(c)) {
      return found(control_message());
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      return found("a non-ASCII character outside a string or comment");
    }
    const bool opens =
        prev == '\n' || prev == '.' || prev == '=' || prev == '[' || prev == ',' || prev == '{';
    if (c != ' ' && c != '\t' && c != '\r' && c != '#') {
      prev = c;
    }
    if ((c == '"' || c == '\'') && !opens) {
      advance(1);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') {
        if (control(text[i])) {
          return found(control_message());
        }
        advance(1);
      }
      continue;
    }
    if (c != '"' && c != '\'') {
      advance(1);
      continue;
    }
    const std::string_view triple = c == '"' ? "\"\"\"" : "'''";
    const bool multi = text.substr(i, 3) == triple;
    advance(multi ? 3 : 1);
    while (i < text.size()) {
      if (control(text[i])) {
        return found(control_message());
      }
      if (!multi && text[i] == '\n') {
        break; // unterminated: toml++ says so
      }
      if (c == '"' && text[i] == '\\') {
        if (multi) {
          // A line-ending backslash: toml++ skips the whitespace after it.
          std::size_t j = i + 1;
          while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
            ++j;
          }
          if (j < text.size() && (text[j] == '\n' || text[j] == '\r')) {
            while (j < text.size() &&
                   (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) {
              ++j;
            }
            advance(j - i);
            if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) {
              return found("a non-ASCII character right after a line-ending backslash");
            }
            continue;
          }
        }
        advance(2);
        continue;
      }
      if (text[i] == c && (!multi || text.substr(i, 3) == triple)) {
        // A multi-line string may end with up to two more quotes.
        std::size_t n = multi ? 3 : 1;
        while (multi && n < 5 && i + n < text.size() && text[i + n] == c) {
          ++n;
        }
        advance(n);
        break;
      }
      advance(1);
    }
  }
  return std::nullopt;
}

} // namespace wave::plan
