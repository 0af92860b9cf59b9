#pragma once

#include "pattern/charset.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

// A small nondeterministic automaton over bytes: the compiled form of a glob,
// used to decide overlap (on the product of two) and, through Program, to match.
namespace wave::pattern {

class Nfa {
public:
  using StateId = std::uint32_t;

  struct Edge {
    CharSet on;
    StateId to;
  };

  // State 0, created by the constructor, is the start state.
  Nfa();

  StateId add_state();
  void add_edge(StateId from, const CharSet& on, StateId to);
  void add_epsilon(StateId from, StateId to);
  void set_accepting(StateId state);

  // A chain of one edge per byte of `text`, from `from`; returns its end.
  StateId add_literal(StateId from, std::string_view text);
  // A fresh state reached from `from` without input that loops on `on`;
  // returns it (the language of `on`*).
  StateId add_loop(StateId from, const CharSet& on);

  // Computes the epsilon closures; call once when the automaton is complete.
  void finish();

  std::size_t size() const { return m_states.size(); }
  const std::vector<Edge>& edges(StateId state) const { return m_states[state].edges; }
  bool accepting(StateId state) const { return m_states[state].accepting; }
  // `state` and every state reachable from it without input (after finish()).
  const std::vector<StateId>& closure(StateId state) const { return m_states[state].closure; }

private:
  struct State {
    std::vector<Edge> edges;
    std::vector<StateId> epsilons;
    std::vector<StateId> closure;
    bool accepting = false;
  };

  std::vector<State> m_states;
};

} // namespace wave::pattern
