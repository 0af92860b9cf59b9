#include "plan/graph.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_set>

namespace wave::plan {

AgentIndex::AgentIndex(const Plan& plan) {
  m_index.reserve(plan.agents.size());
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    m_index.emplace(plan.agents[i].name, i);
  }
}

std::optional<std::size_t> AgentIndex::find(std::string_view name) const {
  const auto it = m_index.find(name);
  if (it == m_index.end()) {
    return std::nullopt;
  }
  return it->second;
}

Dependencies dependencies(const Plan& plan) {
  Dependencies deps(plan.agents.size());
  const AgentIndex index(plan);
  std::unordered_set<std::size_t> seen;
  for (std::size_t i = 0; i < plan.agents.size(); ++i) {
    seen.clear();
    for (const auto& dep : plan.agents[i].after) {
      const auto j = index.find(dep.value);
      if (!j || *j == i || !seen.insert(*j).second) {
        continue;
      }
      deps[i].push_back(*j);
    }
  }
  return deps;
}

Dependencies dependents(const Dependencies& deps) {
  Dependencies out(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i) {
    for (const auto d : deps[i]) {
      out[d].push_back(i);
    }
  }
  return out;
}

namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// Tarjan's strongly connected components, iterative (plans can be long chains).
std::vector<std::size_t> components(const Dependencies& deps, std::size_t& count) {
  const std::size_t n = deps.size();
  std::vector<std::size_t> index(n, none);
  std::vector<std::size_t> low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  std::vector<std::size_t> component(n, none);
  std::size_t next_index = 0;
  count = 0;
  struct Frame {
    std::size_t node;
    std::size_t edge;
  };
  std::vector<Frame> frames;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != none) {
      continue;
    }
    frames.push_back({root, 0});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      auto& frame = frames.back();
      const std::size_t v = frame.node;
      if (frame.edge < deps[v].size()) {
        const std::size_t w = deps[v][frame.edge++];
        if (index[w] == none) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        while (true) {
          const std::size_t w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = count;
          if (w == v) {
            break;
          }
        }
        ++count;
      }
      frames.pop_back();
      if (!frames.empty()) {
        const std::size_t parent = frames.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }
  return component;
}

} // namespace

std::vector<std::vector<std::size_t>> find_cycles(const Dependencies& deps) {
  std::size_t count = 0;
  const auto component = components(deps, count);
  std::vector<std::size_t> size(count, 0);
  for (const auto c : component) {
    ++size[c];
  }
  const auto after = dependents(deps);
  std::vector<bool> done(count, false);
  std::vector<std::vector<std::size_t>> cycles;
  for (std::size_t start = 0; start < deps.size(); ++start) {
    const auto c = component[start];
    if (size[c] < 2 || done[c]) {
      continue;
    }
    done[c] = true;
    // Shortest way from `start` back to itself along "is needed by" edges.
    std::vector<std::size_t> parent(deps.size(), none);
    std::deque<std::size_t> queue{start};
    std::size_t last = none;
    while (!queue.empty() && last == none) {
      const auto v = queue.front();
      queue.pop_front();
      for (const auto w : after[v]) {
        if (component[w] != c) {
          continue;
        }
        if (w == start) {
          last = v;
          break;
        }
        if (parent[w] == none) {
          parent[w] = v;
          queue.push_back(w);
        }
      }
    }
    std::vector<std::size_t> path{start};
    for (auto v = last; v != start; v = parent[v]) {
      path.push_back(v);
    }
    std::reverse(path.begin() + 1, path.end());
    path.push_back(start);
    cycles.push_back(std::move(path));
  }
  return cycles;
}

Levels levels(const Plan& plan, const Dependencies& deps) {
  const std::size_t n = deps.size();
  Levels out{std::vector<int>(n, 0), std::vector<int>(n, 0)};
  const auto after = dependents(deps);
  std::vector<std::size_t> waiting(n);
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i) {
    waiting[i] = deps[i].size();
    if (waiting[i] == 0) {
      ready.push_back(i);
    }
  }
  while (!ready.empty()) {
    const auto v = ready.front();
    ready.pop_front();
    int earliest = 1;
    for (const auto d : deps[v]) {
      earliest = std::max(earliest, out.level[d] + 1);
    }
    out.earliest[v] = earliest;
    const auto& pin = plan.agents[v].wave;
    out.level[v] = pin && *pin > earliest ? *pin : earliest;
    for (const auto w : after[v]) {
      if (--waiting[w] == 0) {
        ready.push_back(w);
      }
    }
  }
  return out;
}

} // namespace wave::plan
