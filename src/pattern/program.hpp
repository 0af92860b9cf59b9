#pragma once

#include "pattern/nfa.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

// An Nfa compiled for fast matching: bytes are grouped into the classes the
// automaton cannot tell apart, and each (state, class) maps to the set of
// states it leads to, epsilon closure included, as a bit mask. Matching runs
// the set of live states over the text, one table lookup per live state and byte.
namespace wave::pattern {

class Program {
public:
  Program() = default;
  explicit Program(const Nfa& nfa);

  bool matches(std::string_view text) const;

private:
  using Word = std::uint64_t;

  void assign_classes(const Nfa& nfa);
  void fill_table(const Nfa& nfa);
  void add_closure(const Nfa& nfa, Nfa::StateId state, Word* mask) const;
  bool matches_one_word(std::string_view text) const;
  bool matches_many_words(std::string_view text) const;

  std::array<std::uint16_t, 256> m_class{};
  std::size_t m_classes = 0;
  std::size_t m_words = 0;
  std::vector<Word> m_next;   // [(state * m_classes + class) * m_words + word]
  std::vector<Word> m_start;  // closure of the start state
  std::vector<Word> m_accept; // accepting states
};

} // namespace wave::pattern
