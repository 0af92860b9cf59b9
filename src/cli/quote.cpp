#include "cli/quote.hpp"

namespace wave::cli {

namespace {

// The letter of a one-letter escape for `c`, or 0 when it has none.
char escape_letter(unsigned char c) {
  switch (c) {
  case '\a':
    return 'a';
  case '\b':
    return 'b';
  case '\t':
    return 't';
  case '\n':
    return 'n';
  case '\v':
    return 'v';
  case '\f':
    return 'f';
  case '\r':
    return 'r';
  case '"':
    return '"';
  case '\\':
    return '\\';
  default:
    return 0;
  }
}

bool needs_quote(unsigned char c, bool quote_high_bytes) {
  return c < 0x20 || c == 0x7f || c == '"' || c == '\\' || (quote_high_bytes && c >= 0x80);
}

} // namespace

std::string quote_path(std::string_view path, bool quote_high_bytes) {
  bool plain = true;
  for (const char ch : path) {
    plain = plain && !needs_quote(static_cast<unsigned char>(ch), quote_high_bytes);
  }
  if (plain) {
    return std::string(path);
  }
  std::string out = "\"";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (!needs_quote(c, quote_high_bytes)) {
      out += ch;
    } else if (const char letter = escape_letter(c); letter != 0) {
      out += '\\';
      out += letter;
    } else {
      out += '\\';
      out += static_cast<char>('0' + ((c >> 6) & 7));
      out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    }
  }
  return out + "\"";
}

std::optional<std::string> unquote_path(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != '"') {
    return std::nullopt;
  }
  std::string out;
  std::size_t i = 1;
  while (i < quoted.size()) {
    const char c = quoted[i++];
    if (c == '"') {
      return i == quoted.size() ? std::optional(out) : std::nullopt;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= quoted.size()) {
      return std::nullopt;
    }
    const char e = quoted[i++];
    const std::string_view letters = "abtnvfr\"\\";
    const std::string_view bytes = "\a\b\t\n\v\f\r\"\\";
    if (const auto at = letters.find(e); at != std::string_view::npos) {
      out += bytes[at];
    } else if (e >= '0' && e <= '3' && i + 1 < quoted.size() && quoted[i] >= '0' && quoted[i] <= '7' &&
               quoted[i + 1] >= '0' && quoted[i + 1] <= '7') {
      out += static_cast<char>(((e - '0') << 6) | ((quoted[i] - '0') << 3) | (quoted[i + 1] - '0'));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

} // namespace wave::cli
