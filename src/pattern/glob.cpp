#include "pattern/glob.hpp"

namespace wave::pattern {

namespace {

// Appends the wildcard tokens to `nfa` from `from`; returns the end state.
Nfa::StateId add_tokens(Nfa& nfa, Nfa::StateId from, const std::vector<Token>& tokens) {
  Nfa::StateId at = from;
  for (const auto& token : tokens) {
    switch (token.kind) {
    case Token::Kind::one: {
      const Nfa::StateId next = nfa.add_state();
      nfa.add_edge(at, token.chars, next);
      at = next;
      break;
    }
    case Token::Kind::star:
      at = nfa.add_loop(at, CharSet::any_but_slash());
      break;
    case Token::Kind::globstar:
      at = nfa.add_loop(at, CharSet::any());
      break;
    case Token::Kind::globstar_slash: {
      const Nfa::StateId loop = nfa.add_loop(at, CharSet::any());
      const Nfa::StateId next = nfa.add_state();
      nfa.add_edge(loop, CharSet::of('/'), next);
      nfa.add_epsilon(at, next);
      at = next;
      break;
    }
    }
  }
  return at;
}

// The literal rule (dir.c match_pathspec_item): the whole text, then nothing,
// or '/' and anything; anything at all when the text ends with '/'.
void add_literal_rule(Nfa& nfa, Nfa::StateId from, std::string_view rest_of_text, bool ends_with_slash) {
  const Nfa::StateId end = nfa.add_literal(from, rest_of_text);
  nfa.set_accepting(end);
  if (ends_with_slash) {
    nfa.set_accepting(nfa.add_loop(end, CharSet::any()));
    return;
  }
  const Nfa::StateId slash = nfa.add_state();
  nfa.add_edge(end, CharSet::of('/'), slash);
  nfa.set_accepting(nfa.add_loop(slash, CharSet::any()));
}

// The literal bytes the tokens end with ("md" for "**/*.md"): a quick
// test that rejects most paths before the automaton runs.
std::string literal_tail(const std::vector<Token>& tokens) {
  std::string tail;
  for (auto it = tokens.rbegin(); it != tokens.rend() && it->kind == Token::Kind::one; ++it) {
    const auto c = it->chars.single();
    if (!c) {
      break;
    }
    tail.insert(tail.begin(), static_cast<char>(*c));
  }
  return tail;
}

} // namespace

std::variant<Glob, PatternError> Glob::compile(std::string_view text) {
  auto parsed = parse(text);
  if (auto* err = std::get_if<PatternError>(&parsed)) {
    return *err;
  }
  const auto& syntax = std::get<Syntax>(parsed);
  Glob glob;
  glob.m_text = std::string(text);
  glob.m_literal_len = syntax.literal_len;
  const std::size_t slash = text.substr(0, syntax.literal_len).rfind('/');
  glob.m_fixed_dir_len = slash == std::string_view::npos ? 0 : slash;
  glob.m_has_wild = !syntax.wild.empty();
  glob.m_wild_tail = literal_tail(syntax.wild);

  const Nfa::StateId head = glob.m_all.add_literal(0, text.substr(0, syntax.literal_len));
  // The wildcard part first: its edges are tried first when overlap() picks
  // a witness, which then favours readable bytes over the raw text's.
  if (glob.m_has_wild) {
    glob.m_all.set_accepting(add_tokens(glob.m_all, head, syntax.wild));
    Nfa wild;
    wild.set_accepting(add_tokens(wild, 0, syntax.wild));
    wild.finish();
    glob.m_wild = Program(wild);
  }
  add_literal_rule(glob.m_all, head, text.substr(syntax.literal_len), text.back() == '/');
  glob.m_all.finish();
  return glob;
}

bool Glob::literal_match(std::string_view path) const {
  if (!path.starts_with(m_text)) {
    return false;
  }
  return path.size() == m_text.size() || m_text.back() == '/' || path[m_text.size()] == '/';
}

bool Glob::matches(std::string_view path) const {
  if (path.substr(0, m_literal_len) != std::string_view(m_text).substr(0, m_literal_len)) {
    return false;
  }
  if (literal_match(path)) {
    return true;
  }
  return m_has_wild && path.ends_with(m_wild_tail) && m_wild.matches(path.substr(m_literal_len));
}

std::string_view Glob::fixed_dir() const {
  return std::string_view(m_text).substr(0, m_fixed_dir_len);
}

std::string_view Glob::literal_head() const {
  return std::string_view(m_text).substr(0, m_literal_len);
}

} // namespace wave::pattern
