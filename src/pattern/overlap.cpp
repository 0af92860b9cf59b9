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
#include <unordered_map>
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
// automaton; node ids pack (state of a, state of b, component state). Nodes
// are kept only once reached (the product of two long patterns is large but
// mostly unreachable), and the search gives up after `budget` steps.
class ProductSearch {
public:
  ProductSearch(const Nfa& a, const Nfa& b, const CharSet& allowed, std::size_t budget)
      : m_a(a), m_b(b), m_allowed(allowed), m_budget(budget) {}

  OverlapResult run();

private:
  static constexpr unsigned unreached = ~0U;
  using Entry = std::tuple<unsigned, std::size_t, std::size_t>; // cost, order, node
  struct Node {
    unsigned cost = unreached;
    std::size_t parent = 0;
    unsigned char byte = 0;
  };

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
  unsigned cost_of(std::size_t node) const {
    const auto it = m_nodes.find(node);
    return it == m_nodes.end() ? unreached : it->second.cost;
  }

  const Nfa& m_a;
  const Nfa& m_b;
  CharSet m_allowed; // bytes a witness may hold
  std::size_t m_budget;
  std::size_t m_work = 0;
  std::unordered_map<std::size_t, Node> m_nodes;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> m_queue;
  std::size_t m_order = 0;
};

OverlapResult ProductSearch::run() {
  const std::size_t start = id(0, 0, Component::empty);
  m_nodes[start] = Node{0, start, 0};
  m_queue.emplace(0, m_order++, start);
  while (!m_queue.empty()) {
    if (m_work > m_budget) {
      return {Verdict::undecided, {}, m_work};
    }
    const auto [cost_so_far, order, node] = m_queue.top();
    m_queue.pop();
    ++m_work;
    if (cost_so_far != cost_of(node)) {
      continue; // a cheaper way here was found after this entry
    }
    if (accepts(node)) {
      return {Verdict::overlap, witness(node), m_work};
    }
    expand(node);
  }
  return {Verdict::disjoint, {}, m_work};
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
        m_work += m_b.edges(xb).size();
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
  ++m_work;
  const unsigned total = m_nodes[from].cost + cost(c, component(from));
  Node& target = m_nodes[to];
  if (total >= target.cost) {
    return;
  }
  target = Node{total, from, c};
  m_queue.emplace(total, m_order++, to);
}

std::string ProductSearch::witness(std::size_t node) const {
  std::string path;
  for (std::size_t at = node;;) {
    const Node& n = m_nodes.at(at);
    if (n.parent == at) {
      break;
    }
    path.push_back(static_cast<char>(n.byte));
    at = n.parent;
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

bool tails_compatible(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  return a.substr(a.size() - n) == b.substr(b.size() - n);
}

} // namespace

bool may_overlap(const Glob& a, const Glob& b, const OverlapOptions& options) {
  if (!heads_compatible(a.literal_head(), b.literal_head())) {
    return false;
  }
  // With plain witnesses only, a pattern with wildcards matches through
  // wildmatch alone (its literal rule needs its glob characters in the
  // path), so every match ends with its literal tail.
  return !options.plain_witness || tails_compatible(a.plain_tail(), b.plain_tail());
}

OverlapResult decide_overlap(const Glob& a, const Glob& b, const OverlapOptions& options) {
  if (!may_overlap(a, b, options)) {
    return {Verdict::disjoint, {}, 1};
  }
  CharSet allowed = CharSet::any();
  if (options.plain_witness) {
    for (const char c : std::string_view("*?[\\")) {
      allowed.remove(static_cast<unsigned char>(c));
    }
  }
  return ProductSearch(a.automaton(), b.automaton(), allowed, options.budget).run();
}

std::optional<std::string> overlap(const Glob& a, const Glob& b, const OverlapOptions& options) {
  auto result = decide_overlap(a, b, options);
  if (result.verdict == Verdict::disjoint) {
    return std::nullopt;
  }
  return std::move(result.witness);
}

} // namespace wave::pattern
