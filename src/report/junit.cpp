#include "report/junit.hpp"

#include <fmt/format.h>

namespace wave::report {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the UTF-8 sequence at `s[i]` when it is a valid one
// (shortest form, no surrogates, at most U+10FFFF), else 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1Fu;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0Fu;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) {
      return 0;
    }
    cp = (cp << 6u) | (byte(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
    return 0;
  }
  return n;
}

// The end of the terminal control sequence starting with ESC at `i`: CSI
// (ESC [ ... final byte) and OSC (ESC ] ... BEL or ESC \); else i + 1.
std::size_t escape_end(std::string_view s, std::size_t i) {
  if (i + 1 < s.size() && s[i + 1] == '[') {
    for (std::size_t k = i + 2; k < s.size(); ++k) {
      const auto c = static_cast<unsigned char>(s[k]);
      if (c >= 0x40 && c <= 0x7E) {
        return k + 1;
      }
      if (c < 0x20 || c > 0x3F) {
        break; // not a parameter or intermediate byte: not CSI after all
      }
    }
  } else if (i + 1 < s.size() && s[i + 1] == ']') {
    for (std::size_t k = i + 2; k < s.size(); ++k) {
      if (s[k] == '\a') {
        return k + 1;
      }
      if (s[k] == '\x1b' && k + 1 < s.size() && s[k + 1] == '\\') {
        return k + 2;
      }
    }
  }
  return i + 1;
}

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{}.{:03}", ms.count() / 1000, ms.count() % 1000);
}

} // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\x1b') {
      const std::size_t end = escape_end(text, i);
      if (end == i + 1) {
        out += replacement;
      }
      i = end;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_length(text, i);
      if (n == 0) {
        out += replacement;
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case '\t':
    case '\n':
      out += static_cast<char>(c);
      break;
    case '\r':
      out += "&#13;";
      break;
    default:
      if (c < 0x20 || c == 0x7F) {
        out += replacement;
      } else {
        out += static_cast<char>(c);
      }
    }
    ++i;
  }
  return out;
}

std::string junit_xml(const std::string& name, const std::vector<TestSuite>& suites) {
  struct Counts {
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t skipped = 0;
    std::chrono::milliseconds time{0};
  };
  const auto count = [](const std::vector<TestCase>& cases) {
    Counts c;
    for (const auto& t : cases) {
      ++c.tests;
      c.failures += t.status == CaseStatus::failure ? 1 : 0;
      c.skipped += t.status == CaseStatus::skipped ? 1 : 0;
      c.time += t.time;
    }
    return c;
  };
  std::string body;
  Counts all;
  for (const auto& suite : suites) {
    const Counts c = count(suite.cases);
    all.tests += c.tests;
    all.failures += c.failures;
    all.skipped += c.skipped;
    all.time += c.time;
    body +=
        fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
                    "time=\"{}\"{}>\n",
                    xml_escape(suite.name), c.tests, c.failures, c.skipped, seconds(c.time),
                    suite.timestamp.empty() ? std::string()
                                            : fmt::format(" timestamp=\"{}\"", xml_escape(suite.timestamp)));
    for (const auto& t : suite.cases) {
      body += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"", xml_escape(t.classname),
                          xml_escape(t.name), seconds(t.time));
      if (t.status == CaseStatus::pass && t.output.empty()) {
        body += "/>\n";
        continue;
      }
      body += ">\n";
      if (t.status == CaseStatus::failure) {
        body += fmt::format("      <failure message=\"{}\" type=\"failure\">{}</failure>\n",
                            xml_escape(t.message), xml_escape(t.text));
      } else if (t.status == CaseStatus::skipped) {
        body += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(t.message));
      }
      if (!t.output.empty()) {
        body += fmt::format("      <system-out>{}</system-out>\n", xml_escape(t.output));
      }
      body += "    </testcase>\n";
    }
    body += "  </testsuite>\n";
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
                     "time=\"{}\">\n{}</testsuites>\n",
                     xml_escape(name), all.tests, all.failures, all.skipped, seconds(all.time), body);
}

} // namespace wave::report
