// overlap(): is there a path two globs both match? A breadth-first search
// over the product of their automata, together with a small automaton that
// keeps the path valid, so the first accepting state found gives one of the
// shortest witnesses.
#include "pattern/glob.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace wave::pattern {

namespace {

// Where the current path component stands: a path may not have empty, '.',
// '..' or '.git' (any case) components, as git refuses them in an index.
enum class Component : std::uint8_t { empty, dot, dot_dot, dot_g, dot_gi, dot_git, other };
constexpr std::size_t component_states = 7;

constexpr bool can_end(Component k) {
  return k == Component::dot_g || k == Component::dot_gi || k == Component::other;
}

// The next component state after byte `c`, or nullopt when `c` would make the
// path invalid.
std::optional<Component> step(Component k, unsigned char c) {
  using enum Component;
  if (c == '/') {
    return can_end(k) ? std::optional(empty) : std::nullopt;
  }
  const auto lower = static_cast<unsigned char>(c | 0x20);
  switch (k) {
  case empty:
    return c == '.' ? dot : other;
  case dot:
    return c == '.' ? dot_dot : lower == 'g' ? dot_g : other;
  case dot_g:
    return lower == 'i' ? dot_gi : other;
  case dot_gi:
    return lower == 't' ? dot_git : other;
  default:
    return other;
  }
}

// Bytes the component automaton tells apart; one witness byte is tried from
// each, the most readable first.
const std::array<CharSet, 6> &byte_groups() {
  static const std::array<CharSet, 6> groups = [] {
    std::array<CharSet, 6> g;
    const std::string_view special = "/.gGiItT";
    for (unsigned c = 1; c < 256; ++c) {
      if (special.find(static_cast<char>(c)) == std::string_view::npos) {
        g[0].add(static_cast<unsigned char>(c));
      }
    }
    g[1] = CharSet::of('g');
    g[1].add('G');
    g[2] = CharSet::of('i');
    g[2].add('I');
    g[3] = CharSet::of('t');
    g[3].add('T');
    g[4] = CharSet::of('.');
    g[5] = CharSet::of('/');
    return g;
  }();
  return groups;
}

class ProductSearch {
public:
  ProductSearch(const Nfa &a, const Nfa &b)
      : m_a(a), m_b(b), m_parent(a.size() * b.size() * component_states, unvisited),
        m_byte(m_parent.size(), 0) {}

  std::optional<std::string> run();

private:
  static constexpr std::int64_t unvisited = -2;
  static constexpr std::int64_t root = -1;

  std::size_t id(Nfa::StateId sa, Nfa::StateId sb, Component k) const {
    return (static_cast<std::size_t>(sa) * m_b.size() + sb) * component_states + static_cast<std::size_t>(k);
  }
  bool accepts(std::size_t node) const;
  void expand(std::size_t node);
  void visit(std::size_t from, std::size_t to, unsigned char c);
  std::string witness(std::size_t node) const;

  const Nfa &m_a;
  const Nfa &m_b;
  std::vector<std::int64_t> m_parent;
  std::vector<unsigned char> m_byte;
  std::deque<std::size_t> m_queue;
};

std::optional<std::string> ProductSearch::run() {
  const std::size_t start = id(0, 0, Component::empty);
  m_parent[start] = root;
  m_queue.push_back(start);
  while (!m_queue.empty()) {
    const std::size_t node = m_queue.front();
    m_queue.pop_front();
    if (accepts(node)) {
      return witness(node);
    }
    expand(node);
  }
  return std::nullopt;
}

bool ProductSearch::accepts(std::size_t node) const {
  const auto k = static_cast<Component>(node % component_states);
  if (!can_end(k)) {
    return false;
  }
  const auto sb = static_cast<Nfa::StateId>((node / component_states) % m_b.size());
  const auto sa = static_cast<Nfa::StateId>(node / component_states / m_b.size());
  const auto &ca = m_a.closure(sa);
  const auto &cb = m_b.closure(sb);
  return std::any_of(ca.begin(), ca.end(), [&](auto s) { return m_a.accepting(s); }) &&
         std::any_of(cb.begin(), cb.end(), [&](auto s) { return m_b.accepting(s); });
}

void ProductSearch::expand(std::size_t node) {
  const auto k = static_cast<Component>(node % component_states);
  const auto sb = static_cast<Nfa::StateId>((node / component_states) % m_b.size());
  const auto sa = static_cast<Nfa::StateId>(node / component_states / m_b.size());
  for (const auto xa : m_a.closure(sa)) {
    for (const auto &ea : m_a.edges(xa)) {
      for (const auto xb : m_b.closure(sb)) {
        for (const auto &eb : m_b.edges(xb)) {
          const CharSet both = ea.on & eb.on;
          if (both.empty()) {
            continue;
          }
          for (const auto &group : byte_groups()) {
            const auto c = pick_readable(both & group);
            if (!c) {
              continue;
            }
            if (const auto next = step(k, *c)) {
              visit(node, id(ea.to, eb.to, *next), *c);
            }
          }
        }
      }
    }
  }
}

void ProductSearch::visit(std::size_t from, std::size_t to, unsigned char c) {
  if (m_parent[to] != unvisited) {
    return;
  }
  m_parent[to] = static_cast<std::int64_t>(from);
  m_byte[to] = c;
  m_queue.push_back(to);
}

std::string ProductSearch::witness(std::size_t node) const {
  std::string path;
  for (std::size_t at = node; m_parent[at] != root; at = static_cast<std::size_t>(m_parent[at])) {
    path.push_back(static_cast<char>(m_byte[at]));
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// Every match of a glob starts with its literal head: two heads where
// neither is a prefix of the other leave nothing in common.
bool heads_compatible(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

} // namespace

std::optional<std::string> overlap(const Glob &a, const Glob &b) {
  if (!heads_compatible(a.literal_head(), b.literal_head())) {
    return std::nullopt;
  }
  return ProductSearch(a.automaton(), b.automaton()).run();
}

} // namespace wave::pattern
