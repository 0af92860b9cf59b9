#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>

// A set of bytes (256 bits), the label of an automaton edge.
namespace wave::pattern {

class CharSet {
public:
  constexpr CharSet() = default;

  static CharSet of(unsigned char c) {
    CharSet s;
    s.add(c);
    return s;
  }
  static CharSet range(unsigned char lo, unsigned char hi) {
    CharSet s;
    for (unsigned c = lo; c <= hi; ++c) {
      s.add(static_cast<unsigned char>(c));
    }
    return s;
  }
  // Every byte a path may hold: all but NUL.
  static CharSet any() {
    CharSet s = range(1, 255);
    return s;
  }
  // Every byte but NUL and '/': what '*', '?' and '[...]' may match.
  static CharSet any_but_slash() {
    CharSet s = any();
    s.remove('/');
    return s;
  }

  void add(unsigned char c) { m_bits[c >> 6] |= bit(c); }
  void remove(unsigned char c) { m_bits[c >> 6] &= ~bit(c); }
  void add(const CharSet& other) {
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
      m_bits[i] |= other.m_bits[i];
    }
  }
  bool has(unsigned char c) const { return (m_bits[c >> 6] & bit(c)) != 0; }
  bool empty() const { return (m_bits[0] | m_bits[1] | m_bits[2] | m_bits[3]) == 0; }
  // The byte when the set holds exactly one.
  std::optional<unsigned char> single() const {
    std::optional<unsigned char> found;
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
      const std::uint64_t w = m_bits[i];
      if (w == 0) {
        continue;
      }
      if (found || (w & (w - 1)) != 0) {
        return std::nullopt;
      }
      found = static_cast<unsigned char>(i * 64 + static_cast<std::size_t>(std::countr_zero(w)));
    }
    return found;
  }

  CharSet operator&(const CharSet& other) const {
    CharSet s;
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
      s.m_bits[i] = m_bits[i] & other.m_bits[i];
    }
    return s;
  }
  // The complement within the bytes a path may hold (never NUL).
  CharSet complement() const {
    CharSet s;
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
      s.m_bits[i] = ~m_bits[i];
    }
    s.remove(0);
    return s;
  }
  bool operator==(const CharSet& other) const = default;

private:
  static constexpr std::uint64_t bit(unsigned char c) { return std::uint64_t{1} << (c & 63U); }

  std::array<std::uint64_t, 4> m_bits{};
};

// The bytes of a wildmatch character class ("alpha" for "[:alpha:]"), as git
// defines them: ASCII only, git's own ctype (so [:space:] is tab, newline,
// carriage return and space). nullopt for an unknown class name.
std::optional<CharSet> named_class(std::string_view name);

// The byte of `set` that reads best in an example path: letters first, then
// digits, punctuation, space, high bytes, and control characters last.
// nullopt when the set is empty.
std::optional<unsigned char> pick_readable(const CharSet& set);

} // namespace wave::pattern
