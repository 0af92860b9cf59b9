// overlap(): is there a path two globs both match? A cheapest-first search
// over the product of their automata, together with a small automaton that
// keeps the path valid; the first accepting state reached gives a short,
// readable witness.
#include "pattern/glob.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <tuple>
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

// The component automaton tells apart '/', '.', g, i, t (either case) and
// all other bytes. One witness byte is tried from each such group: the most
// readable of the others, then these.
const CharSet& ordinary_bytes() {
  static const CharSet ordinary = [] {
    CharSet s = CharSet::any();
    for (const char c : std::string_view("/.gGiItT")) {
      s.remove(static_cast<unsigned char>(c));
    }
    return s;
  }();
  return ordinary;
}

// Calls `fn(c)` with one byte of `set` from each group.
template <class Fn> void each_distinct_byte(const CharSet& set, Fn fn) {
  if (const auto c = pick_readable(set & ordinary_bytes())) {
    fn(*c);
  }
  static constexpr std::array<std::string_view, 5> groups{"gG", "iI", "tT", ".", "/"};
  for (const std::string_view group : groups) {
    for (const char c : group) {
      if (set.has(static_cast<unsigned char>(c))) {
        fn(static_cast<unsigned char>(c));
        break;
      }
    }
  }
}

// What a byte adds to a witness's cost: the search returns the cheapest
// witness, so letters and digits win over punctuation, and a component does
// not start with '.' unless it must ("src/a.c" rather than "src/.c").
unsigned cost(unsigned char c, Component k) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (alnum || c == '/' || c == '_' || c == '-') {
    return 2;
  }
  if (c == '.') {
    return k == Component::empty ? 5 : 2;
  }
  if (c > ' ' && c < 127) {
    return 3;
  }
  return c == ' ' ? 4 : 8;
}

// Cheapest-first search of the product of two automata and the component
// automaton; node ids pack (state of a, state of b, component state).
class ProductSearch {
public:
  ProductSearch(const Nfa& a, const Nfa& b, const CharSet& allowed)
      : m_a(a), m_b(b), m_allowed(allowed), m_cost(a.size() * b.size() * component_states, unreached),
        m_parent(m_cost.size(), 0), m_byte(m_cost.size(), 0) {}

  std::optional<std::string> run();

private:
  static constexpr unsigned unreached = ~0U;
  using Entry = std::tuple<unsigned, std::size_t, std::size_t>; // cost, order, node

  std::size_t id(Nfa::StateId sa, Nfa::StateId sb, Component k) const {
    return (static_cast<std::size_t>(sa) * m_b.size() + sb) * component_states + static_cast<std::size_t>(k);
  }
  Component component(std::size_t node) const { return static_cast<Component>(node % component_states); }
  Nfa::StateId state_a(std::size_t node) const {
    return static_cast<Nfa::StateId>(node / component_states / m_b.size());
  }
  Nfa::StateId state_b(std::size_t node) const {
    return static_cast<Nfa::StateId>((node / component_states) % m_b.size());
  }
  bool accepts(std::size_t node) const;
  void expand(std::size_t node);
  void relax(std::size_t from, std::size_t to, unsigned char c);
  std::string witness(std::size_t node) const;

  const Nfa& m_a;
  const Nfa& m_b;
  CharSet m_allowed; // bytes a witness may hold
  std::vector<unsigned> m_cost;
  std::vector<std::size_t> m_parent;
  std::vector<unsigned char> m_byte;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_queue;
  std::size_t m_order = 0;
};

std::optional<std::string> ProductSearch::run() {
  const std::size_t start = id(0, 0, Component::empty);
  m_cost[start] = 0;
  m_parent[start] = start;
  m_queue.emplace(0, m_order++, start);
  while (!m_queue.empty()) {
    const auto [cost_so_far, order, node] = m_queue.top();
    m_queue.pop();
    if (cost_so_far != m_cost[node]) {
      continue; // a cheaper way here was found after this entry
    }
    if (accepts(node)) {
      return witness(node);
    }
    expand(node);
  }
  return std::nullopt;
}

bool ProductSearch::accepts(std::size_t node) const {
  if (!can_end(component(node))) {
    return false;
  }
  const auto& ca = m_a.closure(state_a(node));
  const auto& cb = m_b.closure(state_b(node));
  return std::any_of(ca.begin(), ca.end(), [&](auto s) { return m_a.accepting(s); }) &&
         std::any_of(cb.begin(), cb.end(), [&](auto s) { return m_b.accepting(s); });
}

void ProductSearch::expand(std::size_t node) {
  const Component k = component(node);
  for (const auto xa : m_a.closure(state_a(node))) {
    for (const auto& ea : m_a.edges(xa)) {
      for (const auto xb : m_b.closure(state_b(node))) {
        for (const auto& eb : m_b.edges(xb)) {
          const CharSet both = ea.on & eb.on & m_allowed;
          if (both.empty()) {
            continue;
          }
          each_distinct_byte(both, [&](unsigned char c) {
            if (const auto next = step(k, c)) {
              relax(node, id(ea.to, eb.to, *next), c);
            }
          });
        }
      }
    }
  }
}

void ProductSearch::relax(std::size_t from, std::size_t to, unsigned char c) {
  const unsigned total = m_cost[from] + cost(c, component(from));
  if (total >= m_cost[to]) {
    return;
  }
  m_cost[to] = total;
  m_parent[to] = from;
  m_byte[to] = c;
  m_queue.emplace(total, m_order++, to);
}

std::string ProductSearch::witness(std::size_t node) const {
  std::string path;
  for (std::size_t at = node; m_parent[at] != at; at = m_parent[at]) {
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

std::optional<std::string> overlap(const Glob& a, const Glob& b, const OverlapOptions& options) {
  if (!heads_compatible(a.literal_head(), b.literal_head())) {
    return std::nullopt;
  }
  CharSet allowed = CharSet::any();
  if (options.plain_witness) {
    for (const char c : std::string_view("*?[\\")) {
      allowed.remove(static_cast<unsigned char>(c));
    }
  }
  return ProductSearch(a.automaton(), b.automaton(), allowed).run();
}

} // namespace wave::pattern
