#include "pattern/nfa.hpp"

#include <algorithm>

namespace wave::pattern {

Nfa::Nfa() {
  add_state();
}

Nfa::StateId Nfa::add_state() {
  m_states.emplace_back();
  return static_cast<StateId>(m_states.size() - 1);
}

void Nfa::add_edge(StateId from, const CharSet& on, StateId to) {
  if (!on.empty()) {
    m_states[from].edges.push_back({on, to});
  }
}

void Nfa::add_epsilon(StateId from, StateId to) {
  m_states[from].epsilons.push_back(to);
}

void Nfa::set_accepting(StateId state) {
  m_states[state].accepting = true;
}

Nfa::StateId Nfa::add_literal(StateId from, std::string_view text) {
  StateId at = from;
  for (const char c : text) {
    const StateId next = add_state();
    add_edge(at, CharSet::of(static_cast<unsigned char>(c)), next);
    at = next;
  }
  return at;
}

Nfa::StateId Nfa::add_loop(StateId from, const CharSet& on) {
  const StateId loop = add_state();
  add_epsilon(from, loop);
  add_edge(loop, on, loop);
  return loop;
}

void Nfa::finish() {
  for (StateId s = 0; s < m_states.size(); ++s) {
    std::vector<StateId> reached{s};
    std::vector<StateId> todo{s};
    while (!todo.empty()) {
      const StateId at = todo.back();
      todo.pop_back();
      for (const StateId to : m_states[at].epsilons) {
        if (std::find(reached.begin(), reached.end(), to) == reached.end()) {
          reached.push_back(to);
          todo.push_back(to);
        }
      }
    }
    std::sort(reached.begin(), reached.end());
    m_states[s].closure = std::move(reached);
  }
}

} // namespace wave::pattern
