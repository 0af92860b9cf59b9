#include "pattern/program.hpp"

#include <bit>

namespace wave::pattern {

namespace {

constexpr std::size_t word_bits = 64;

} // namespace

Program::Program(const Nfa& nfa) : m_words((nfa.size() + word_bits - 1) / word_bits) {
  assign_classes(nfa);
  fill_table(nfa);
  m_start.assign(m_words, 0);
  add_closure(nfa, 0, m_start.data());
  m_accept.assign(m_words, 0);
  for (Nfa::StateId s = 0; s < nfa.size(); ++s) {
    if (nfa.accepting(s)) {
      m_accept[s / word_bits] |= Word{1} << (s % word_bits);
    }
  }
}

// Refines the partition of bytes by every edge label: two bytes share a class
// when every edge takes both or neither.
void Program::assign_classes(const Nfa& nfa) {
  m_class.fill(0);
  std::size_t classes = 1;
  std::array<int, 512> renumber{};
  for (Nfa::StateId s = 0; s < nfa.size(); ++s) {
    for (const auto& edge : nfa.edges(s)) {
      renumber.fill(-1);
      std::size_t count = 0;
      for (unsigned c = 0; c < 256; ++c) {
        const std::size_t key = m_class[c] * 2U + (edge.on.has(static_cast<unsigned char>(c)) ? 1U : 0U);
        if (renumber[key] < 0) {
          renumber[key] = static_cast<int>(count++);
        }
        m_class[c] = static_cast<std::uint16_t>(renumber[key]);
      }
      classes = count;
    }
  }
  m_classes = classes;
}

void Program::add_closure(const Nfa& nfa, Nfa::StateId state, Word* mask) const {
  for (const Nfa::StateId s : nfa.closure(state)) {
    mask[s / word_bits] |= Word{1} << (s % word_bits);
  }
}

void Program::fill_table(const Nfa& nfa) {
  // One representative byte per class.
  std::vector<unsigned char> sample(m_classes, 0);
  for (unsigned c = 256; c-- > 0;) {
    sample[m_class[c]] = static_cast<unsigned char>(c);
  }
  m_next.assign(nfa.size() * m_classes * m_words, 0);
  for (Nfa::StateId s = 0; s < nfa.size(); ++s) {
    for (std::size_t k = 0; k < m_classes; ++k) {
      Word* mask = &m_next[(s * m_classes + k) * m_words];
      for (const auto& edge : nfa.edges(s)) {
        if (edge.on.has(sample[k])) {
          add_closure(nfa, edge.to, mask);
        }
      }
    }
  }
}

bool Program::matches(std::string_view text) const {
  if (m_words == 1) {
    return matches_one_word(text);
  }
  return matches_many_words(text);
}

bool Program::matches_one_word(std::string_view text) const {
  Word live = m_start[0];
  for (const char ch : text) {
    const std::size_t k = m_class[static_cast<unsigned char>(ch)];
    Word next = 0;
    for (Word rest = live; rest != 0; rest &= rest - 1) {
      const auto s = static_cast<std::size_t>(std::countr_zero(rest));
      next |= m_next[s * m_classes + k];
    }
    if (next == 0) {
      return false;
    }
    live = next;
  }
  return (live & m_accept[0]) != 0;
}

bool Program::matches_many_words(std::string_view text) const {
  std::vector<Word> live = m_start;
  std::vector<Word> next(m_words);
  for (const char ch : text) {
    const std::size_t k = m_class[static_cast<unsigned char>(ch)];
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::size_t w = 0; w < m_words; ++w) {
      for (Word rest = live[w]; rest != 0; rest &= rest - 1) {
        const std::size_t s = w * word_bits + static_cast<std::size_t>(std::countr_zero(rest));
        const Word* row = &m_next[(s * m_classes + k) * m_words];
        for (std::size_t i = 0; i < m_words; ++i) {
          next[i] |= row[i];
          any = any || row[i] != 0;
        }
      }
    }
    if (!any) {
      return false;
    }
    live.swap(next);
  }
  for (std::size_t w = 0; w < m_words; ++w) {
    if ((live[w] & m_accept[w]) != 0) {
      return true;
    }
  }
  return false;
}

} // namespace wave::pattern
