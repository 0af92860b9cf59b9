#include "pattern/syntax.hpp"

#include <optional>

namespace wave::pattern {

namespace {

bool is_glob_special(char c) {
  return c == '*' || c == '?' || c == '[' || c == '\\';
}

PatternError error_at(std::size_t offset, std::string message) {
  return {offset, std::move(message)};
}

// Git normalizes a pathspec textually before matching (path.c
// normalize_path_copy_len): it squashes "//", drops "." components and
// resolves "..", even inside brackets. We refuse those instead of guessing
// what was meant, so the text we match is the text git matches.
std::optional<PatternError> check_shape(std::string_view text) {
  if (text.empty()) {
    return error_at(0, "empty pattern");
  }
  if (text.size() > max_pattern_length) {
    return error_at(max_pattern_length, "too long: " + std::to_string(text.size()) + " bytes (at most " +
                                            std::to_string(max_pattern_length) + ")");
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return error_at(nul, "NUL byte in pattern");
  }
  if (text[0] == '/') {
    return error_at(0, "absolute path; patterns are relative to the repository root");
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('/', start), text.size());
    const std::string_view part = text.substr(start, end - start);
    if (part.empty() && end < text.size()) {
      return error_at(start, "empty path component ('//')");
    }
    if (part == "." || part == "..") {
      return error_at(start, "path component '" + std::string(part) + "' is not allowed");
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Reads the wildcard part of a pattern the way wildmatch.c's dowild() does.
class Tokenizer {
public:
  Tokenizer(std::string_view rest, std::size_t base) : m_text(rest), m_base(base) {}

  std::optional<PatternError> run(std::vector<Token>& out);

private:
  std::optional<PatternError> read_escape(std::vector<Token>& out);
  void read_stars(std::vector<Token>& out);
  std::optional<PatternError> read_bracket(std::vector<Token>& out);
  std::optional<PatternError> read_class(std::size_t& p, CharSet& set, bool& was_class);
  PatternError unbalanced(std::size_t open) const { return error_at(m_base + open, "unbalanced '['"); }
  bool at(std::size_t p, char c) const { return p < m_text.size() && m_text[p] == c; }

  std::string_view m_text;
  std::size_t m_base; // offset of m_text in the whole pattern
  std::size_t m_pos = 0;
};

std::optional<PatternError> Tokenizer::run(std::vector<Token>& out) {
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (c == '\\') {
      if (auto err = read_escape(out)) {
        return err;
      }
    } else if (c == '*') {
      read_stars(out);
    } else if (c == '[') {
      if (auto err = read_bracket(out)) {
        return err;
      }
    } else if (c == '?') {
      out.push_back({Token::Kind::one, CharSet::any_but_slash()});
      ++m_pos;
    } else {
      out.push_back({Token::Kind::one, CharSet::of(static_cast<unsigned char>(c))});
      ++m_pos;
    }
  }
  return std::nullopt;
}

std::optional<PatternError> Tokenizer::read_escape(std::vector<Token>& out) {
  if (m_pos + 1 >= m_text.size()) {
    return error_at(m_base + m_pos, "trailing backslash");
  }
  out.push_back({Token::Kind::one, CharSet::of(static_cast<unsigned char>(m_text[m_pos + 1]))});
  m_pos += 2;
  return std::nullopt;
}

// A run of stars. Two or more are special only when the run starts the text
// wildmatch sees (which begins after the literal head) or follows a '/', and
// ends the text or precedes '/' (or an escaped "\/"). Otherwise they act as one.
void Tokenizer::read_stars(std::vector<Token>& out) {
  const std::size_t first = m_pos;
  while (at(m_pos, '*')) {
    ++m_pos;
  }
  const bool doubled = m_pos - first >= 2;
  const bool after_slash = first == 0 || m_text[first - 1] == '/';
  const bool slash_next = at(m_pos, '/');
  const bool before_slash = m_pos == m_text.size() || slash_next || (at(m_pos, '\\') && at(m_pos + 1, '/'));
  if (!doubled || !after_slash || !before_slash) {
    out.push_back({Token::Kind::star, {}});
  } else if (slash_next) {
    out.push_back({Token::Kind::globstar_slash, {}});
    ++m_pos;
  } else {
    out.push_back({Token::Kind::globstar, {}});
  }
}

// "[...]": '!' or '^' negates; the first member may be ']'; "a-z" ranges
// (a '-' first, last, or right after a range or class is itself); "\x" is x;
// "[:name:]" classes; "[:" without ":]" before the next ']' is a plain '['.
// Never matches '/'.
std::optional<PatternError> Tokenizer::read_bracket(std::vector<Token>& out) {
  const std::size_t open = m_pos;
  std::size_t p = open + 1;
  const bool negated = at(p, '!') || at(p, '^');
  if (negated) {
    ++p;
  }
  CharSet set;
  unsigned char prev = 0;
  do {
    if (p >= m_text.size()) {
      return unbalanced(open);
    }
    auto ch = static_cast<unsigned char>(m_text[p]);
    if (ch == '\\') {
      if (++p >= m_text.size()) {
        return unbalanced(open);
      }
      ch = static_cast<unsigned char>(m_text[p]);
      set.add(ch);
    } else if (ch == '-' && prev != 0 && p + 1 < m_text.size() && m_text[p + 1] != ']') {
      ch = static_cast<unsigned char>(m_text[++p]);
      if (ch == '\\') {
        if (++p >= m_text.size()) {
          return unbalanced(open);
        }
        ch = static_cast<unsigned char>(m_text[p]);
      }
      if (prev <= ch) {
        set.add(CharSet::range(prev, ch));
      }
      ch = 0;
    } else if (ch == '[' && at(p + 1, ':')) {
      bool was_class = false;
      if (auto err = read_class(p, set, was_class)) {
        return err;
      }
      ch = was_class ? 0 : '[';
    } else {
      set.add(ch);
    }
    prev = ch;
    ++p;
  } while (!at(p, ']'));
  set.remove(0);
  if (negated) {
    set = set.complement();
  }
  set.remove('/');
  out.push_back({Token::Kind::one, set});
  m_pos = p + 1;
  return std::nullopt;
}

// At "[:" inside a bracket: a class up to the first ']' when the name ends
// with ':', else a plain '[' (and `p` stays on it).
std::optional<PatternError> Tokenizer::read_class(std::size_t& p, CharSet& set, bool& was_class) {
  const std::size_t name_start = p + 2;
  const std::size_t close = m_text.find(']', name_start);
  if (close == std::string_view::npos) {
    return unbalanced(m_pos);
  }
  if (close == name_start || m_text[close - 1] != ':') {
    set.add('[');
    return std::nullopt;
  }
  const std::string_view name = m_text.substr(name_start, close - name_start - 1);
  const auto bytes = named_class(name);
  if (!bytes) {
    return error_at(m_base + p, "unknown character class '[:" + std::string(name) + ":]'");
  }
  set.add(*bytes);
  was_class = true;
  p = close;
  return std::nullopt;
}

} // namespace

std::variant<Syntax, PatternError> parse(std::string_view text) {
  if (auto err = check_shape(text)) {
    return *err;
  }
  Syntax syntax;
  while (syntax.literal_len < text.size() && !is_glob_special(text[syntax.literal_len])) {
    ++syntax.literal_len;
  }
  if (text.size() - syntax.literal_len > max_wild_length) {
    return PatternError{syntax.literal_len + max_wild_length, "too complex: more than " +
                                                                  std::to_string(max_wild_length) +
                                                                  " bytes after the first wildcard"};
  }
  Tokenizer tokens(text.substr(syntax.literal_len), syntax.literal_len);
  if (auto err = tokens.run(syntax.wild)) {
    return *err;
  }
  std::size_t wildcards = 0;
  for (const auto& token : syntax.wild) {
    if (token.kind != Token::Kind::one || !token.chars.single()) {
      ++wildcards;
    }
  }
  if (wildcards > max_wildcards) {
    return PatternError{syntax.literal_len, "too complex: " + std::to_string(wildcards) +
                                                " wildcards (at most " + std::to_string(max_wildcards) + ")"};
  }
  return syntax;
}

} // namespace wave::pattern
