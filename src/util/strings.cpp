#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace wave::util {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += parts[i];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows (the swap looks two rows back): one allocation.
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> rows(3 * (m + 1));
  std::size_t* before = rows.data();      // row i - 2
  std::size_t* previous = before + m + 1; // row i - 1
  std::size_t* current = previous + m + 1;
  for (std::size_t j = 0; j <= m; ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  // Close enough to be a typo: at most a third of the word, and at least one edit allowed.
  const std::size_t limit = std::max<std::size_t>(1, (word.size() + 2) / 3);
  if (word.size() > 256) {
    return std::nullopt;
  }
  for (const auto& c : candidates) {
    const std::size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (gap > limit) {
      continue; // the distance is at least the difference in length
    }
    const auto dist = edit_distance(word, c);
    if (!best || dist < best_distance) {
      best = c;
      best_distance = dist;
    }
  }
  if (best && best_distance <= limit) {
    return best;
  }
  // A prefix ("merg") is also a likely intent.
  for (const auto& c : candidates) {
    if (word.size() >= 2 && starts_with(c, word)) {
      return c;
    }
  }
  return std::nullopt;
}

namespace {

// Length of the UTF-8 sequence starting at s[i], 0 when it is not valid UTF-8.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned cp = 0;
  if (c < 0x80) {
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1FU;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0FU;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07U;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (d & 0x3FU);
  }
  const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

bool is_c1(std::string_view s, std::size_t i, std::size_t n) {
  return n == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

} // namespace

std::string escape_control(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
      ++i;
      continue;
    }
    if (is_c1(s, i, n)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(s[i + 1]) & 0xFFU);
      i += n;
      continue;
    }
    if (n == 1 && (c < 0x20 || c == 0x7f)) {
      switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case 0x1b:
        out += "\\e";
        break;
      default:
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
      }
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string shown(std::string_view s, std::size_t max) {
  if (s.size() <= max) {
    return escape_control(s);
  }
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return fmt::format("{}... ({} bytes)", escape_control(s.substr(0, cut)), s.size());
}

std::string and_more(std::size_t rest) {
  const std::string digits = std::to_string(rest);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      grouped += ',';
    }
    grouped += digits[i];
  }
  return fmt::format("... and {} more", grouped);
}

bool has_control(std::string_view s, std::size_t* at) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (c < 0x20 || c == 0x7f || c1) {
      if (at != nullptr) {
        *at = i;
      }
      return true;
    }
  }
  return false;
}

std::string quote(std::string_view s) {
  std::string out = "'";
  out += escape_control(s);
  out += "'";
  return out;
}

std::string quote_path(std::string_view path) {
  // git's quote_c_style() with core.quotePath on (its default).
  const auto needs = [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f; };
  if (std::none_of(path.begin(), path.end(), [&](char c) { return needs(static_cast<unsigned char>(c)); })) {
    return std::string(path);
  }
  std::string out = "\"";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (!needs(c)) {
      out += ch;
      continue;
    }
    out += '\\';
    switch (c) {
    case '\a':
      out += 'a';
      break;
    case '\b':
      out += 'b';
      break;
    case '\t':
      out += 't';
      break;
    case '\n':
      out += 'n';
      break;
    case '\v':
      out += 'v';
      break;
    case '\f':
      out += 'f';
      break;
    case '\r':
      out += 'r';
      break;
    case '"':
    case '\\':
      out += ch;
      break;
    default:
      out += fmt::format("{:03o}", static_cast<unsigned>(c));
    }
  }
  out += '"';
  return out;
}

bool has_line(std::string_view text, std::string_view line) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    if (text.substr(pos, end - pos) == line) {
      return true;
    }
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return false;
}

} // namespace wave::util
